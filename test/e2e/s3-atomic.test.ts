/**
 * The local S3 keeps S3's promise that a GET racing a PUT or DELETE of the same key returns one
 * whole object (or NoSuchKey), never a body cut short. s3rver alone rewrote objects in place, so
 * such a GET announced the old length, sent fewer bytes, and the client failed 5 s later with
 * `Error: aborted` when the idle socket closed: `casebook demo --export-site` on a busy machine,
 * reading the site while the publisher rewrote it (issue 19).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '../../local/s3';

const dataDir = mkdtempSync(join(tmpdir(), 'casebook-s3-atomic-'));
let s3: LocalS3;
let client: S3Client;
const BUCKET = 'site';

beforeAll(async () => {
  s3 = await startLocalS3({ dataDir, buckets: [{ logicalId: 'Site', name: BUCKET, versioned: false, cors: false, eventBridge: false }] });
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}, 300_000);

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 300_000);

/** Version `n` of the object: one repeated letter, a different length each time. */
const version = (n: number) => Buffer.alloc(150_000 + (n % 7) * 20_000, 65 + (n % 26));

/** Reads the object: its bytes and the length the response announced, or the error's name. */
async function read(key: string): Promise<{ bytes: Buffer; announced: number } | string> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { bytes: Buffer.from(await out.Body!.transformToByteArray()), announced: Number(out.ContentLength) };
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

describe('the local S3 under concurrent writes of one key', () => {
  it('serves each GET one whole version while PUTs keep replacing the object', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'page.html', Body: version(0) }));
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let n = 1; writing; n++) {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'page.html', Body: version(n) }));
        written = n;
      }
    })();
    const problems: string[] = [];
    for (let i = 0; i < 120 && problems.length < 3; i++) {
      const got = await read('page.html');
      if (typeof got === 'string') problems.push(got);
      else if (got.bytes.length !== got.announced) problems.push(`short body: ${got.bytes.length} of ${got.announced} bytes`);
      else if (!got.bytes.equals(Buffer.alloc(got.bytes.length, got.bytes[0]))) problems.push('a body mixing two versions');
    }
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(5); // the reads really raced writes
    expect(problems).toEqual([]);
  });

  it('answers a GET racing a DELETE with the whole object or NoSuchKey', async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `gone/${i}.html`, Body: version(i) }));
      const [got] = await Promise.all([
        read(`gone/${i}.html`),
        client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `gone/${i}.html` })),
      ]);
      if (typeof got === 'string') outcomes.add(got.startsWith('NoSuchKey') ? 'NoSuchKey' : got);
      else outcomes.add(got.bytes.equals(version(i)) ? 'whole' : `short body: ${got.bytes.length} of ${got.announced} bytes`);
    }
    expect([...outcomes].filter((o) => o !== 'whole' && o !== 'NoSuchKey')).toEqual([]);
  });

  it('keeps its staging files out of the buckets and leaves none behind', async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual(['page.html']);
    expect(readdirSync(join(dataDir, 's3.staging'))).toEqual([]);
  });
});
