/** Objections: filed by the public during a round's notice period and ruled on by the office. */
import type { Objection } from '../domain/model';
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
}
