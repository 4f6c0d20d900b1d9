/**
 * Rounds: the round item with its charter and status, the charter amendments made after it
 * opened, and the approval that closes it (round and approved cases in one transaction).
 * Status changes are conditional on the status the caller expects.
 */
import type { ApprovedEntry, Charter, Round, RoundStatus } from '../domain/model';
import { alreadyExists, conflict, isConditionalFailure, notFound } from './errors';
import { keys } from './schema';
import { statusCondition, strip, type TableClient } from './table';

/** A charter change after the round opened: who, when, why and what. */
export interface Amendment {
  amendmentId: string;
  roundId: string;
  at: string;
  by: { id: string; name: string };
  reason: string;
  /** The changed charter fields, before and after. */
  change: { before: Partial<Charter>; after: Partial<Charter> };
  charterSha256After?: string;
}

export class RoundRepository {
  /** Rounds this container has seen exist: a round is never deleted, so that answer cannot go stale. */
  private readonly known = new Set<string>();

  constructor(private readonly table: TableClient) {}

  /** Whether a round exists: read once per container for a round that does (never cached when it does not). */
  async roundExists(roundId: string): Promise<boolean> {
    if (this.known.has(roundId)) return true;
    const exists = (await this.getRound(roundId)) !== undefined;
    if (exists) this.known.add(roundId);
    return exists;
  }

  async createRound(round: Round): Promise<Round> {
    try {
      await this.table.put({
        Item: { ...keys.round(round.roundId), ...keys.roundIndex(round.charter.year, round.charter.number), type: 'Round', ...round },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return round;
    } catch (error) {
      if (isConditionalFailure(error)) throw alreadyExists('round', round.roundId);
      throw error;
    }
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    return strip<Round>(await this.table.get(keys.round(roundId)));
  }

  async requireRound(roundId: string): Promise<Round> {
    const round = await this.getRound(roundId);
    if (!round) throw notFound('round', roundId);
    return round;
  }

  /** All rounds, newest first. */
  async listRounds(): Promise<Round[]> {
    const items = await this.table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'ROUNDS' },
      ScanIndexForward: false,
    });
    return items.map((item) => strip<Round>(item)!);
  }

  /**
   * Moves a round to `to` (and sets the other fields of `patch`) only if its status is one of
   * `expected`; otherwise a CONFLICT naming the round.
   */
  async updateRoundStatus(
    roundId: string,
    to: RoundStatus,
    expected: readonly RoundStatus[],
    patch: Partial<Omit<Round, 'roundId' | 'status'>> = {},
  ): Promise<Round> {
    const condition = statusCondition(expected);
    const item = await this.table.conditionalUpdate(keys.round(roundId), { ...patch, status: to }, condition, () =>
      conflict('round', roundId, `expected status ${expected.join('|')}`),
    );
    return strip<Round>(item)!;
  }

  /** Sets fields of a round without changing its status, optionally only in the given statuses. */
  async updateRound(roundId: string, patch: Partial<Omit<Round, 'roundId' | 'status'>>, expected?: readonly RoundStatus[]): Promise<Round> {
    const condition = statusCondition(expected);
    const item = await this.table.conditionalUpdate(keys.round(roundId), patch, condition, () =>
      expected ? conflict('round', roundId, `expected status ${expected.join('|')}`) : notFound('round', roundId),
    );
    return strip<Round>(item)!;
  }

  /** Records an amendment and replaces the charter in one transaction, while the round is in `expected`. */
  async amendRound(amendment: Amendment, newCharter: Charter, expected: readonly RoundStatus[], charterSha256?: string): Promise<void> {
    const condition = statusCondition(expected);
    try {
      await this.table.transact([
        {
          Update: {
            Key: keys.round(amendment.roundId),
            UpdateExpression: charterSha256 ? 'SET #charter = :charter, #sha = :sha' : 'SET #charter = :charter',
            ConditionExpression: condition.expression,
            ExpressionAttributeNames: {
              ...condition.names,
              '#charter': 'charter',
              ...(charterSha256 ? { '#sha': 'charterSha256' } : {}),
            },
            ExpressionAttributeValues: {
              ...condition.values,
              ':charter': newCharter,
              ...(charterSha256 ? { ':sha': charterSha256 } : {}),
            },
          },
        },
        {
          Put: {
            Item: { ...keys.amendment(amendment.roundId, amendment.at, amendment.amendmentId), type: 'Amendment', ...amendment },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ]);
    } catch (error) {
      if (isConditionalFailure(error)) throw conflict('round', amendment.roundId, `expected status ${expected.join('|')}`);
      throw error;
    }
  }

  async listAmendments(roundId: string): Promise<Amendment[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':sk': 'AMEND#' },
    });
    return items.map((item) => strip<Amendment>(item)!);
  }

  /**
   * The approval of a round in one transaction: every approved case APPROVED with its published
   * reason, and the round APPROVED with its ordered list. Fails as a whole (CONFLICT) if the round
   * is not in NOTICE or any case is not SELECTED/SHORTLISTED. At most 99 cases (DynamoDB's
   * transaction limit is 100 items); a round selects far fewer.
   */
  async markApproved(roundId: string, approvedList: readonly ApprovedEntry[], at: string): Promise<void> {
    if (approvedList.length > 99) throw conflict('round', roundId, 'more than 99 approved cases do not fit one transaction');
    const round = await this.requireRound(roundId);
    const revision = (round.publicationRevision ?? 0) + 1;
    try {
      await this.table.transact([
        {
          Update: {
            Key: keys.round(roundId),
            UpdateExpression: 'SET #status = :approved, approvedList = :list, approvedAt = :at, publicationRevision = :revision',
            ConditionExpression: '#status = :notice',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':approved': 'APPROVED',
              ':list': approvedList,
              ':at': at,
              ':revision': revision,
              ':notice': 'NOTICE',
            },
          },
        },
        ...approvedList.map((entry) => ({
          Update: {
            Key: keys.case(entry.caseId),
            UpdateExpression: 'SET #status = :approved, GSI1SK = :gsi, reason = :reason, updatedAt = :at',
            ConditionExpression: 'roundId = :round AND #status IN (:selected, :shortlisted)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':approved': 'APPROVED',
              ':gsi': `APPROVED#${entry.caseId}`,
              ':reason': entry.reason,
              ':at': at,
              ':round': roundId,
              ':selected': 'SELECTED',
              ':shortlisted': 'SHORTLISTED',
            },
          },
        })),
      ]);
    } catch (error) {
      if (isConditionalFailure(error)) throw conflict('round', roundId, 'round not in NOTICE or a case not selected');
      throw error;
    }
  }
}
