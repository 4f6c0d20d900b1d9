/** Submissions: one upload of a dossier by a unit, recorded once and moved through intake by status. */
import type { Submission, SubmissionStatus } from '../domain/model';
import { conflict, isConditionalFailure, notFound } from './errors';
import { keys } from './schema';
import { statusCondition, strip, type TableClient } from './table';

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
