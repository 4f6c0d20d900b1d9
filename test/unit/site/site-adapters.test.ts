import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { cacheControlFor, S3SiteBucket } from '../../../src/adapters/site-bucket';
import { CloudFrontSiteInvalidator } from '../../../src/adapters/site-invalidator';
import { publicContent } from '../../../src/domain/site/public-content';

const s3 = mockClient(S3Client);
const cloudfront = mockClient(CloudFrontClient);
/** The part of the SDK's stream body the adapter uses. */
const body = (text: string) => ({ transformToString: async () => text });

describe('S3SiteBucket', () => {
  beforeEach(() => {
    s3.reset();
    cloudfront.reset();
  });
  afterAll(() => {
    s3.restore();
    cloudfront.restore();
  });
  const bucket = new S3SiteBucket(new S3Client({ region: 'us-east-1' }), 'site');

  it('reads the manifest, and treats a missing or foreign one as nothing published', async () => {
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: body(JSON.stringify({ format: 'casebook-site-manifest/1', snapshotSha256: 'x', files: {} })) as never })
      .rejectsOnce(Object.assign(new Error('missing'), { name: 'NoSuchKey' }))
      .resolvesOnce({ Body: body('{"something":"else"}') as never })
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(bucket.readManifest()).resolves.toMatchObject({ snapshotSha256: 'x' });
    await expect(bucket.readManifest()).resolves.toBeUndefined();
    await expect(bucket.readManifest()).resolves.toBeUndefined();
    await expect(bucket.readManifest()).rejects.toThrow('denied');
  });

  it('writes objects with their content type and cache policy', async () => {
    s3.on(PutObjectCommand).resolves({});
    await bucket.writeFile('hant/index.html', { body: '<p>頁</p>', contentType: 'text/html; charset=utf-8' });
    const input = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'site',
      Key: 'hant/index.html',
      ContentType: 'text/html; charset=utf-8',
      CacheControl: 'public, max-age=300',
    });
    expect(Buffer.from(input.Body as Uint8Array).toString('utf8')).toBe('<p>頁</p>');
    expect(cacheControlFor('site-manifest.json')).toBe('no-store');
  });

  it('deletes in batches of 1,000 and fails loudly on per-key errors', async () => {
    s3.on(DeleteObjectsCommand).resolves({});
    await bucket.deleteFiles(Array.from({ length: 2500 }, (_, i) => `p${i}.html`));
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.length)).toEqual([1000, 1000, 500]);
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'p1.html', Code: 'AccessDenied', Message: 'no' }] });
    await expect(bucket.deleteFiles(['p1.html'])).rejects.toThrow(/p1.html: AccessDenied/);
  });

  it('invalidates the given paths with the given caller reference', async () => {
    cloudfront.on(CreateInvalidationCommand).resolves({});
    await new CloudFrontSiteInvalidator(new CloudFrontClient({ region: 'us-east-1' }), 'E123').invalidate(['/a.html', '/'], 'ref-1');
    expect(cloudfront.commandCalls(CreateInvalidationCommand)[0]!.args[0].input).toEqual({
      DistributionId: 'E123',
      InvalidationBatch: { CallerReference: 'ref-1', Paths: { Quantity: 2, Items: ['/a.html', '/'] } },
    });
  });
});

describe('publicContent', () => {
  it('takes only the public texts of a canonical dossier', () => {
    expect(
      publicContent({
        practices: { text: '做法', measures: [] },
        outcomes: { text: '成效', figures: [] },
        contact: { phone: '13812345678' },
      }),
    ).toEqual({
      practices: '做法',
      outcomes: '成效',
    });
    expect(publicContent(undefined)).toEqual({ practices: '' });
  });
});
