/**
 * Copies a local cloud's published site (every object of its site bucket) into a folder: what
 * `casebook site export` and `casebook demo --export-site` write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { CliError, EXIT, inStep } from './errors';

/** Copies every object of the site bucket into `dir`. */
export async function exportSite(env: Record<string, string>, dir: string): Promise<number> {
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const bucket = env.SITE_BUCKET;
  if (!bucket) throw new CliError('the local cloud has no SITE_BUCKET', EXIT.usage);
  const s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const root = resolve(dir);
  let count = 0;
  let token: string | undefined;
  do {
    const page = await inStep(`listing s3://${bucket}`, () =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token })),
    );
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.includes('..')) continue;
      // a key naming a place outside the folder (absolute, or climbing out) is never written
      const target = resolve(root, o.Key);
      if (!target.startsWith(root + sep)) continue;
      const key = o.Key;
      const body = await inStep(`reading s3://${bucket}/${key}`, async () => {
        try {
          const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          return await out.Body!.transformToByteArray();
        } catch (err) {
          // the publisher may have removed the object between the listing and the read
          if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
          process.stderr.write(`  skipped ${key}: gone since listed\n`);
          return undefined;
        }
      });
      if (!body) continue;
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, body);
      count += 1;
    }
    token = page.NextContinuationToken;
  } while (token);
  s3.destroy();
  return count;
}
