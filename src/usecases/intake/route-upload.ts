/**
 * An uploaded object becomes one dossier-review execution. S3 events arrive at least once, so
 * the execution name is derived from bucket/key/version: a duplicate event starts nothing new.
 */
import { createHash } from 'node:crypto';
import type { WorkflowEngine } from '../../ports/workflow';
import { decodeS3Key } from './keys';

/** The `detail` of an EventBridge `Object Created` event from S3. */
export interface ObjectCreatedDetail {
  bucket: { name: string };
  object: { key: string; 'version-id'?: string; size?: number };
}

export function executionNameFor(bucket: string, key: string, versionId: string | undefined): string {
  return `d-${createHash('sha256')
    .update(`${bucket}/${key}/${versionId ?? ''}`)
    .digest('hex')
    .slice(0, 64)}`;
}

export async function routeUpload(
  deps: { workflow: WorkflowEngine; stateMachineArn: string },
  detail: ObjectCreatedDetail,
): Promise<{ executionName: string; started: boolean; skipped?: string }> {
  const bucket = detail.bucket.name;
  const versionId = detail.object['version-id'];
  const key = decodeS3Key(detail.object.key);
  if (key === undefined)
    return {
      executionName: executionNameFor(bucket, detail.object.key, versionId),
      started: false,
      skipped: 'key is not validly URL-encoded',
    };
  const executionName = executionNameFor(bucket, key, versionId);
  // The rule filters on the prefix already; this guards a mis-wired rule from starting reviews of other objects.
  if (!key.startsWith('dossiers/')) return { executionName, started: false, skipped: 'not a dossier key' };
  const result = await deps.workflow.startExecution(deps.stateMachineArn, executionName, { bucket, key, versionId: versionId ?? null });
  return { executionName, started: !result.alreadyStarted };
}
