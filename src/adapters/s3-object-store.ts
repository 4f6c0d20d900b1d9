/** ObjectStore over one S3 bucket. */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ObjectNotFoundError, type ObjectStore, type StoredObject } from '../ports/object-store';

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async getObject(key: string, versionId?: string): Promise<StoredObject> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
      const body = await out.Body!.transformToByteArray();
      return { body, contentType: out.ContentType, versionId: out.VersionId, size: body.byteLength };
    } catch (error) {
      if (
        error instanceof NoSuchKey ||
        (error as { name?: string }).name === 'NoSuchKey' ||
        (error as { name?: string }).name === 'NotFound'
      ) {
        throw new ObjectNotFoundError(key);
      }
      throw error;
    }
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json; charset=utf-8',
      }),
    );
  }

  async getJson<T = unknown>(key: string): Promise<T> {
    const { body } = await this.getObject(key);
    return JSON.parse(new TextDecoder('utf-8').decode(body)) as T;
  }
}
