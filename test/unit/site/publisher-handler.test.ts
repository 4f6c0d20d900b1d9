import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

process.env.TABLE_NAME = 'cases';
process.env.SITE_BUCKET = 'site';
process.env.SITE_BASE_URL = 'https://cases.example.org';
delete process.env.DISTRIBUTION_ID;

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const cloudfront = mockClient(CloudFrontClient);
const { handler, affectedRound } = await import('../../../lambdas/publisher/handler');

function record(seq: string, image: Record<string, { S: string }> | undefined, old?: Record<string, { S: string }>): DynamoDBRecord {
  return {
    eventName: 'MODIFY',
    dynamodb: { SequenceNumber: seq, ...(image ? { NewImage: image } : {}), ...(old ? { OldImage: old } : {}) },
  };
}

const roundRecord = (seq: string, roundId: string) =>
  record(seq, { type: { S: 'Round' }, PK: { S: `ROUND#${roundId}` }, roundId: { S: roundId } });
const caseRecord = (seq: string, roundId: string) => record(seq, { type: { S: 'Case' }, PK: { S: 'CASE#c1' }, roundId: { S: roundId } });
const taskRecord = (seq: string) => record(seq, { type: { S: 'Task' }, PK: { S: 'TASK#t1' }, roundId: { S: 'r1' } });

describe('publisher handler', () => {
  beforeAll(() => {
    process.env.AWS_REGION ??= 'us-east-1';
  });
  beforeEach(() => {
    s3.reset();
    ddb.reset();
    cloudfront.reset();
  });
  afterAll(() => {
    s3.restore();
    ddb.restore();
    cloudfront.restore();
  });

  it('finds the round of Round and Case records, from the old image on deletion, and ignores other items', () => {
    expect(affectedRound(roundRecord('1', 'r1'))).toBe('r1');
    expect(affectedRound(caseRecord('2', 'r2'))).toBe('r2');
    expect(affectedRound(record('3', undefined, { type: { S: 'Case' }, PK: { S: 'CASE#c9' }, roundId: { S: 'r3' } }))).toBe('r3');
    expect(affectedRound(taskRecord('4'))).toBeUndefined();
  });

  it('does nothing for a batch without publication-relevant records', async () => {
    const result = await handler({ Records: [taskRecord('1')] } as DynamoDBStreamEvent);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(ddb.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('publishes once per batch from current state, without CloudFront when no distribution is set', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('no manifest'), { name: 'NoSuchKey' }));
    s3.on(PutObjectCommand).resolves({});
    const result = await handler({
      Records: [roundRecord('1', 'r1'), caseRecord('2', 'r1'), roundRecord('3', 'r1')],
    } as DynamoDBStreamEvent);
    expect(result).toEqual({ batchItemFailures: [] });
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toContain('hant/index.html');
    expect(keys).toContain('site-manifest.json');
    expect(new Set(keys).size).toBe(keys.length);
    const index = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'hant/index.html')!.args[0].input;
    expect(index.ContentType).toBe('text/html; charset=utf-8');
    expect(cloudfront.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
  });

  it('reports every relevant record as failed when publishing fails, so the batch is retried', async () => {
    ddb.on(QueryCommand).rejects(new Error('throttled'));
    const result = await handler({ Records: [taskRecord('1'), roundRecord('2', 'r1'), caseRecord('3', 'r1')] } as DynamoDBStreamEvent);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '3' }] });
  });
});
