/** Submissions: one upload of a dossier by a unit, recorded once and moved through intake by status. */
import type { CaseRecord, Round, Submission, SubmissionStatus } from '../domain/model';
import { conflict, isConditionalFailure, notFound } from './errors';
import { keys } from './schema';
import { setExpression, statusCondition, strip, type TableClient, type TableWrite } from './table';

/** What an intake step reads before it acts: the round, the submission and (store-case) the unit's case. */
export interface SubmissionInRound {
  round?: Round;
  submission?: Submission;
  caseRecord?: CaseRecord;
}

/** Fields a submission keeps from its first record (a later parse of the same upload changes only its status and issues). */
const RECORDED_ONCE = ['submissionId', 'roundId', 'unitCode', 'key', 'versionId', 'fileName', 'createdAt'] as const;

export class SubmissionRepository {
  constructor(private readonly table: TableClient) {}

  /**
   * Records a submission once. A retried parse step finds the item already there and gets it
   * back with `created: false` instead of an error.
   */
  async recordSubmission(submission: Submission): Promise<{ created: boolean; submission: Submission }> {
    try {
      await this.table.put({
        Item: {
          ...keys.submission(submission.roundId, submission.submissionId),
          ...keys.submissionIndex(submission.unitCode, submission.roundId, submission.createdAt),
          type: 'Submission',
          ...submission,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return { created: true, submission };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const existing = await this.getSubmission(submission.roundId, submission.submissionId);
      return { created: false, submission: existing! };
    }
  }

  /**
   * The parse step's record of a submission as one write for its transaction (`also` of the
   * caller): creates the submission PARSED, or, when the API recorded it at presign time or a
   * retried step finds it, sets only its status and issues, and only from UPLOADED or PARSED (as
   * `recordSubmission` followed by `updateSubmissionStatus` would).
   */
  parsedWrite(submission: Submission & { status: 'PARSED' }): TableWrite {
    const once: Record<string, unknown> = {
      ...keys.submissionIndex(submission.unitCode, submission.roundId, submission.createdAt),
      type: 'Submission',
    };
    for (const field of RECORDED_ONCE) once[field] = submission[field];
    const first = setExpression(once, 'o');
    const always = setExpression({ status: submission.status, errors: submission.errors, warnings: submission.warnings }, 'a');
    const condition = statusCondition(['UPLOADED', 'PARSED']);
    return {
      item: {
        Update: {
          Key: keys.submission(submission.roundId, submission.submissionId),
          UpdateExpression: `SET ${[
            ...first.parts.map((part) => {
              const [name, value] = part.split(' = ');
              return `${name} = if_not_exists(${name}, ${value})`;
            }),
            ...always.parts,
          ].join(', ')}`,
          ConditionExpression: `attribute_not_exists(PK) OR (${condition.expression})`,
          ExpressionAttributeNames: { ...first.names, ...always.names, ...condition.names },
          ExpressionAttributeValues: { ...first.values, ...always.values, ...condition.values },
        },
      },
      onConditionFailed: () => conflict('submission', submission.submissionId, 'expected status UPLOADED|PARSED'),
    };
  }

  /** `updateSubmissionStatus` as one write of the caller's transaction. */
  statusWrite(
    roundId: string,
    submissionId: string,
    to: SubmissionStatus,
    patch: Partial<Pick<Submission, 'errors' | 'warnings' | 'caseId'>> = {},
    expected?: readonly SubmissionStatus[],
  ): TableWrite {
    const { parts, names, values } = setExpression({ ...patch, status: to });
    const condition = statusCondition(expected);
    return {
      item: {
        Update: {
          Key: keys.submission(roundId, submissionId),
          UpdateExpression: `SET ${parts.join(', ')}`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { ...names, ...condition.names },
          ExpressionAttributeValues: { ...values, ...condition.values },
        },
      },
      onConditionFailed: () =>
        expected ? conflict('submission', submissionId, `expected status ${expected.join('|')}`) : notFound('submission', submissionId),
    };
  }

  /**
   * The round, the submission and optionally a case, in one consistent BatchGetItem (what the
   * validate and store steps read first; a missing item is absent from the result).
   */
  async getSubmissionInRound(roundId: string, submissionId: string, caseId?: string): Promise<SubmissionInRound> {
    const wanted = [keys.round(roundId), keys.submission(roundId, submissionId), ...(caseId ? [keys.case(caseId)] : [])];
    const items = await this.table.batchGet(wanted, { ConsistentRead: true }, 'submission');
    const find = (key: { PK: string; SK: string }) => items.find((item) => item.PK === key.PK && item.SK === key.SK);
    const round = strip<Round>(find(wanted[0]!));
    const submission = strip<Submission>(find(wanted[1]!));
    const caseRecord = caseId ? strip<CaseRecord>(find(wanted[2]!)) : undefined;
    return { ...(round ? { round } : {}), ...(submission ? { submission } : {}), ...(caseRecord ? { caseRecord } : {}) };
  }

  async getSubmission(roundId: string, submissionId: string): Promise<Submission | undefined> {
    return strip<Submission>(await this.table.get(keys.submission(roundId, submissionId)));
  }

  async updateSubmissionStatus(
    roundId: string,
    submissionId: string,
    to: SubmissionStatus,
    patch: Partial<Pick<Submission, 'errors' | 'warnings' | 'caseId'>> = {},
    expected?: readonly SubmissionStatus[],
  ): Promise<Submission> {
    const item = await this.table.conditionalUpdate(
      keys.submission(roundId, submissionId),
      { ...patch, status: to },
      statusCondition(expected),
      () =>
        expected ? conflict('submission', submissionId, `expected status ${expected.join('|')}`) : notFound('submission', submissionId),
    );
    return strip<Submission>(item)!;
  }

  async listSubmissionsByRound(roundId: string): Promise<Submission[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':sk': 'SUBMISSION#' },
    });
    return items.map((item) => strip<Submission>(item)!);
  }

  /** A unit's submissions to a round, oldest first. */
  async listSubmissionsByUnit(unitCode: string, roundId: string): Promise<Submission[]> {
    const items = await this.table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
      ExpressionAttributeValues: { ':pk': `UNIT#${unitCode}#${roundId}`, ':sk': 'SUBMISSION#' },
    });
    return items.map((item) => strip<Submission>(item)!);
  }
}
