/**
 * The S3 side of `workflowDeps`, in its own module so that deps.ts can load it by `import()` only
 * when a function first touches the dossier bucket (the module's static imports keep esbuild's
 * tree-shaking of the SDK; a dynamic import of the SDK package itself would keep every command).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../adapters/s3-object-store';

let client: S3Client | undefined;

export function s3ObjectStore(bucket: string): S3ObjectStore {
  client ??= new S3Client({});
  return new S3ObjectStore(client, bucket);
}
