/** The stack's S3 buckets, and whether each sends its events to EventBridge. */
import { TopologyError } from './names';
import type { TemplateReader } from './template';

export interface BucketSpec {
  logicalId: string;
  name: string;
  versioned: boolean;
  cors: boolean;
  /** Bucket events go to EventBridge (the S3 notification setting CDK's `eventBridgeEnabled` writes). */
  eventBridge: boolean;
}

export function bucketsOf(t: TemplateReader): BucketSpec[] {
  const eventBridgeBuckets = new Set<string>();
  for (const [id, r] of t.byType('Custom::S3BucketNotifications')) {
    const config = r.Properties?.NotificationConfiguration as { EventBridgeConfiguration?: unknown } | undefined;
    const bucketId = t.referencedId(r.Properties?.BucketName);
    if (config?.EventBridgeConfiguration !== undefined) {
      if (!bucketId) throw new TopologyError(`bucket notifications ${id} do not name a bucket of this stack`);
      eventBridgeBuckets.add(bucketId);
    }
  }
  return t.byType('AWS::S3::Bucket').map(([id, r]) => {
    const notifications = r.Properties?.NotificationConfiguration as
      { EventBridgeConfiguration?: { EventBridgeEnabled?: boolean } } | undefined;
    return {
      logicalId: id,
      name: t.name(id),
      versioned: (r.Properties?.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
      cors: r.Properties?.CorsConfiguration !== undefined,
      eventBridge: eventBridgeBuckets.has(id) || notifications?.EventBridgeConfiguration?.EventBridgeEnabled === true,
    };
  });
}
