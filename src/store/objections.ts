/** Objections: filed by the public during a round's notice period and ruled on by the office. */
import type { Objection, ObjectionGuardTotals } from '../domain/model';
import { alreadyExists, conflict, isConditionalFailure } from './errors';
import { keys } from './schema';
import { strip, type TableClient } from './table';

export class ObjectionRepository {
  constructor(private readonly table: TableClient) {}

  async fileObjection(objection: Objection): Promise<Objection> {
    try {
      await this.table.put({
        Item: { ...keys.objection(objection.roundId, objection.objectionId), type: 'Objection', ...objection },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return objection;
    } catch (error) {
      if (isConditionalFailure(error)) throw alreadyExists('objection', objection.objectionId);
      throw error;
    }
  }

  async getObjection(roundId: string, objectionId: string): Promise<Objection | undefined> {
    return strip<Objection>(await this.table.get(keys.objection(roundId, objectionId)));
  }

  async listObjections(roundId: string, status?: Objection['status']): Promise<Objection[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':sk': 'OBJECTION#' },
    });
    const objections = items.map((item) => strip<Objection>(item)!);
    return status ? objections.filter((objection) => objection.status === status) : objections;
  }

  async ruleObjection(roundId: string, objectionId: string, outcome: 'DISMISSED' | 'UPHELD', ruling: string): Promise<Objection> {
    const item = await this.table.conditionalUpdate(
      keys.objection(roundId, objectionId),
      { status: outcome, ruling },
      { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
      () => conflict('objection', objectionId, 'already ruled or missing'),
    );
    return strip<Objection>(item)!;
  }

  /**
   * Files an objection whose id is derived from the round, the case and the normalised text, so
   * an exact repeat lands on the same key: it is counted on the objection already filed
   * (`repeats`) instead of being filed twice.
   */
  async fileObjectionOnce(objection: Objection): Promise<{ created: boolean; objection: Objection }> {
    const key = keys.objection(objection.roundId, objection.objectionId);
    try {
      await this.table.put({ Item: { ...key, type: 'Objection', ...objection }, ConditionExpression: 'attribute_not_exists(PK)' });
      return { created: true, objection };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const out = await this.table.update({
      Key: key,
      UpdateExpression: 'ADD #repeats :one SET #last = :at',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#repeats': 'repeats', '#last': 'lastRepeatAt' },
      ExpressionAttributeValues: { ':one': 1, ':at': objection.filedAt },
      ReturnValues: 'ALL_NEW',
    });
    return { created: false, objection: strip<Objection>(out.Attributes)! };
  }

  /**
   * The round's key for hashing objectors' addresses: made once (the first writer wins), kept
   * until `expiresAt` (epoch seconds, the table's TTL) so the hashes cannot be linked afterwards.
   */
  async objectionGuardKey(roundId: string, fresh: string, expiresAt: number): Promise<string> {
    const key = keys.objectionGuardKey(roundId);
    try {
      await this.table.put({
        Item: { ...key, type: 'ObjectionGuardKey', secret: fresh, expiresAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return fresh;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const item = await this.table.get(key);
    if (typeof item?.secret !== 'string') throw new Error(`objection guard key of ${roundId} is missing after a conflicting write`);
    return item.secret;
  }

  /**
   * Counts one post from a (hashed) source in the current window and reads the previous
   * window's count: the two figures of the sliding-window estimate. Refused posts count too.
   */
  async countObjectionSource(
    roundId: string,
    sourceHash: string,
    window: { start: number; previous: number; expiresAt: number },
    /** Past this many in the current window alone the previous one cannot matter: not read. */
    over: number,
  ): Promise<{ current: number; previous: number }> {
    const updated = await this.table.update({
      Key: keys.objectionSource(roundId, sourceHash, window.start),
      UpdateExpression: 'ADD #posts :one SET #type = :type, #expires = :expires',
      ExpressionAttributeNames: { '#posts': 'posts', '#type': 'type', '#expires': 'expiresAt' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'ObjectionSource', ':expires': window.expiresAt },
      ReturnValues: 'UPDATED_NEW',
    });
    const current = count(updated.Attributes?.posts);
    // a flooding source is refused on one write
    if (current > over) return { current, previous: 0 };
    const previous = await this.table.get(keys.objectionSource(roundId, sourceHash, window.previous));
    return { current, previous: count(previous?.posts) };
  }

  /** Adds one to a round's count of refused or folded objection posts. */
  async countObjectionGuard(roundId: string, what: keyof ObjectionGuardTotals): Promise<void> {
    await this.table.update({
      Key: keys.objectionGuardTotals(roundId),
      UpdateExpression: 'ADD #n :one SET #type = :type',
      ExpressionAttributeNames: { '#n': what, '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'ObjectionGuardTotals' },
    });
  }

  async objectionGuardTotals(roundId: string): Promise<ObjectionGuardTotals> {
    const item = await this.table.get(keys.objectionGuardTotals(roundId));
    return { suppressed: count(item?.suppressed), refusedRate: count(item?.refusedRate), refusedContent: count(item?.refusedContent) };
  }
}

const count = (v: unknown): number => (typeof v === 'number' ? v : 0);
