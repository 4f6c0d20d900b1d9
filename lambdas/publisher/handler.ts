/**
 * publisher: table stream (Round and Case changes, batched) → publish the site from current state.
 *
 * A batch is one "look again": the site is rendered once from the store, whatever the records
 * say, so repeated, reordered or coalesced records are harmless. If publishing fails, every
 * relevant record of the batch is reported so Lambda retries from the first of them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'casebook' });

/**
 * The publishing path (SDK clients, renderer, OpenCC), loaded on the first batch that publishes:
 * most batches hold no Round or Case record (src/bundle-seams/publish-wiring.ts).
 */
const publishing = () => import('../../src/bundle-seams/publish-wiring');

const PUBLICATION_TYPES = new Set(['Round', 'Case']);

/** The round a Round or Case record belongs to, from whichever image it has. */
export function affectedRound(record: DynamoDBRecord): string | undefined {
  for (const image of [record.dynamodb?.NewImage, record.dynamodb?.OldImage]) {
    const type = image?.type?.S;
    if (!image || !type || !PUBLICATION_TYPES.has(type)) continue;
    const roundId = image.roundId?.S ?? image.PK?.S?.replace(/^ROUND#/, '');
    if (roundId) return roundId;
  }
  return undefined;
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const relevant = event.Records.filter((record) => affectedRound(record) !== undefined);
  if (relevant.length === 0) return { batchItemFailures: [] };
  const rounds = [...new Set(relevant.map((record) => affectedRound(record)!))].sort();
  try {
    const result = await (await publishing()).publishFromStore();
    logger.info('site published', {
      rounds,
      snapshotSha256: result.snapshotSha256,
      written: result.written.length,
      deleted: result.deleted.length,
      unchanged: result.unchanged,
      invalidated: result.invalidated.length,
      passes: result.passes,
    });
    return { batchItemFailures: [] };
  } catch (error) {
    logger.error('publishing failed; the batch will be retried', { rounds, error: error as Error });
    return {
      batchItemFailures: relevant
        .map((record) => record.dynamodb?.SequenceNumber)
        .filter((sequence): sequence is string => typeof sequence === 'string')
        .map((itemIdentifier) => ({ itemIdentifier })),
    };
  }
};
