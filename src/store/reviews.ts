/** Reviews: a panel member's assignment to a case and the score sheet they return. */
import type { Review, ScoreSheet } from '../domain/model';
import { conflict, isConditionalFailure, notFound, reviewAlreadyScored } from './errors';
import { keys } from './schema';
import { statusCondition, strip, type TableClient } from './table';

export class ReviewRepository {
  constructor(private readonly table: TableClient) {}

  /** Assigns reviewers to a case; assigning someone already assigned changes nothing. */
  async assignReviewers(roundId: string, caseId: string, reviewerIds: readonly string[], at: string): Promise<void> {
    for (const reviewerId of reviewerIds) {
      const review: Review = { caseId, roundId, reviewerId, status: 'ASSIGNED', assignedAt: at };
      try {
        await this.table.put({
          Item: {
            ...keys.review(caseId, reviewerId),
            ...keys.reviewIndex(reviewerId, roundId, 'ASSIGNED', caseId),
            type: 'Review',
            ...review,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        });
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
  }

  /** Records a reviewer's score sheet once; a second sheet for the same case is a 409. */
  async recordScore(caseId: string, reviewerId: string, sheet: ScoreSheet, total: number, at: string): Promise<Review> {
    const existing = await this.table.get(keys.review(caseId, reviewerId));
    if (!existing) throw notFound('review', `${caseId}/${reviewerId}`);
    const item = await this.table.conditionalUpdate(
      keys.review(caseId, reviewerId),
      { sheet, total, scoredAt: at, status: 'SCORED', GSI2SK: `SCORED#${caseId}` },
      { expression: 'attribute_exists(PK) AND #status = :assigned', names: { '#status': 'status' }, values: { ':assigned': 'ASSIGNED' } },
      () => reviewAlreadyScored(caseId, reviewerId),
    );
    return strip<Review>(item)!;
  }

  async getReview(caseId: string, reviewerId: string): Promise<Review | undefined> {
    return strip<Review>(await this.table.get(keys.review(caseId, reviewerId)));
  }

  async updateReviewStatus(
    caseId: string,
    reviewerId: string,
    to: Review['status'],
    expected: readonly Review['status'][],
  ): Promise<Review> {
    const item = await this.table.conditionalUpdate(
      keys.review(caseId, reviewerId),
      { status: to, GSI2SK: `${to}#${caseId}` },
      statusCondition(expected),
      () => conflict('review', `${caseId}/${reviewerId}`, `expected status ${expected.join('|')}`),
    );
    return strip<Review>(item)!;
  }

  async listReviewsByCase(caseId: string): Promise<Review[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':sk': 'REVIEW#' },
    });
    return items.map((item) => strip<Review>(item)!);
  }

  async listReviewsByReviewer(reviewerId: string, roundId: string, status?: Review['status']): Promise<Review[]> {
    const items = await this.table.queryAll({
      IndexName: 'GSI2',
      KeyConditionExpression: status ? 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)' : 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': `REVIEWER#${reviewerId}#${roundId}`, ...(status ? { ':sk': `${status}#` } : {}) },
    });
    return items.map((item) => strip<Review>(item)!);
  }
}
