/**
 * The site bucket on S3: objects with their content type and cache policy, and the manifest of
 * what was last published. Pages may be cached briefly because every change is invalidated.
 */
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MANIFEST_PATH, serializeManifest, type SiteFile, type SiteManifest } from '../domain/site';
import type { SiteBucket } from '../usecases/publish/ports';

/** S3 DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;

export function cacheControlFor(path: string): string {
  if (path === MANIFEST_PATH) return 'no-store';
  if (path.endsWith('.css')) return 'public, max-age=86400';
  return 'public, max-age=300';
}

export class S3SiteBucket implements SiteBucket {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async readManifest(): Promise<SiteManifest | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: MANIFEST_PATH }));
      const text = await out.Body!.transformToString('utf-8');
      const parsed = JSON.parse(text) as SiteManifest;
      // An unreadable or foreign manifest means "nothing known": everything is written again.
      return parsed && parsed.format === 'casebook-site-manifest/1' && typeof parsed.files === 'object' ? parsed : undefined;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      if (error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async writeFile(path: string, file: SiteFile): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: path,
        Body: typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : file.body,
        ContentType: file.contentType,
        CacheControl: cacheControlFor(path),
      }),
    );
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += DELETE_BATCH) {
      const batch = paths.slice(i, i + DELETE_BATCH);
      const out = await this.s3.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (out.Errors && out.Errors.length > 0) {
        const first = out.Errors[0]!;
        throw new Error(`site bucket: could not delete ${out.Errors.length} object(s), first ${first.Key}: ${first.Code} ${first.Message}`);
      }
    }
  }

  async writeManifest(manifest: SiteManifest): Promise<void> {
    await this.writeFile(MANIFEST_PATH, { body: serializeManifest(manifest), contentType: 'application/json; charset=utf-8' });
  }
}
