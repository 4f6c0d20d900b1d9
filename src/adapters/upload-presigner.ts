/**
 * Presigned PUT URLs for dossier uploads: the API's upload port on S3.
 *
 * Content-Type and Content-Length are signed, so a client cannot upload a bigger file or another
 * type than it declared. The client has its own S3 client with checksums only when required:
 * the SDK's default flexible checksums would sign a checksum of an empty body into the URL and
 * make every browser upload fail.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadPort } from '../usecases/api/ports';

export class S3UploadPresigner implements UploadPort {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(input: { key: string; contentType: string; contentLength: number; expiresInSeconds: number }): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: input.key,
      ContentType: input.contentType,
      ContentLength: input.contentLength,
    });
    return getSignedUrl(this.s3, command, {
      expiresIn: input.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
  }
}

export function presignerClient(): S3Client {
  return new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    // the local cloud's S3 (s3rver) serves buckets by path, not by virtual host
    ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  });
}
