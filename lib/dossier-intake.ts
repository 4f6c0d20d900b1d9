import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, HttpMethods, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Bindable } from './case-store';
import { CasebookFunction } from './casebook-function';
import { allow, roleOf } from './iam';
import { failureQueue } from './observability';

/** Key prefixes of the dossier bucket (docs/architecture.md, "Dossier keys"). */
export const DOSSIER_PREFIXES = { uploads: 'dossiers/', parsed: 'parsed/', reports: 'reports/' } as const;
type Prefix = keyof typeof DOSSIER_PREFIXES;

/** A private, TLS-only, all-public-access-blocked bucket: the only kind this stack creates. */
export function privateBucket(scope: Construct, id: string, extra: ConstructorParameters<typeof Bucket>[2] = {}): Bucket {
  return new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    ...extra,
  });
}

/** The server-access-log bucket; logging its own accesses would loop, so it has none. */
export function accessLogBucket(scope: Construct, id: string, extra: ConstructorParameters<typeof Bucket>[2] = {}): Bucket {
  const bucket = privateBucket(scope, id, {
    lifecycleRules: [{ expiration: Duration.days(365) }],
    ...extra,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'This bucket receives access logs; logging its own accesses into itself would loop.',
  });
  return bucket;
}

export interface DossierIntakeProps {
  readonly accessLogs: IBucket;
  /** Origins allowed to PUT to presigned URLs from a browser (the console's origin). */
  readonly uploadOrigins: string[];
}

/**
 * DossierIntake: the dossier bucket (private, versioned, encrypted, TLS only, access-logged,
 * superseded versions expire) and the route from an uploaded object to the dossier-review
 * workflow: S3 → EventBridge (`Object Created`, prefix `dossiers/`) → `intake-router`, which
 * names each execution from a hash of bucket/key/version so a duplicate event starts nothing twice.
 */
export class DossierIntake extends Construct {
  readonly bucket: Bucket;
  readonly eventFailures: Queue;
  router?: CasebookFunction;

  constructor(scope: Construct, id: string, props: DossierIntakeProps) {
    super(scope, id);
    this.bucket = privateBucket(this, 'DossierBucket', {
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'dossiers/',
      lifecycleRules: [
        { id: 'expire-superseded-versions', noncurrentVersionExpiration: Duration.days(90) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
      cors: [
        {
          // Browsers PUT the dossier straight to a presigned URL; nothing else crosses origins.
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: props.uploadOrigins,
          allowedHeaders: ['content-type', 'content-length', 'content-md5', 'x-amz-*'],
          exposedHeaders: ['ETag', 'x-amz-version-id'],
          maxAge: 3600,
        },
      ],
    });
    // The bucket's own EventBridge setting, not the L2 `eventBridgeEnabled` prop: that one deploys
    // a custom-resource Lambda (with an AWS-managed policy) just to flip this switch.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.eventFailures = failureQueue(this, 'UndeliveredUploadEvents');
  }

  /**
   * Sets DOSSIER_BUCKET and allows exactly the listed object actions under the listed prefixes.
   * Reads include GetObjectVersion: the workflow reads the version the event named, not the latest.
   */
  bindObjects(fn: Bindable, access: { read?: Prefix[]; write?: Prefix[] }): void {
    fn.addEnvironment('DOSSIER_BUCKET', this.bucket.bucketName);
    const objects = (prefix: Prefix) => this.bucket.arnForObjects(`${DOSSIER_PREFIXES[prefix]}*`);
    const reason = 'Object-level access limited to one key prefix of the dossier bucket (ids are only known at run time).';
    if (access.read?.length) {
      allow(roleOf(fn), {
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: access.read.map(objects),
        wildcardReason: reason,
      });
    }
    if (access.write?.length) {
      allow(roleOf(fn), { actions: ['s3:PutObject'], resources: access.write.map(objects), wildcardReason: reason });
    }
  }

  /**
   * Routes uploads to the review workflow: an EventBridge rule for `Object Created` under
   * `dossiers/` invokes `intake-router` (undeliverable events go to a queue that is alarmed), and the
   * router may start executions of `workflow` only.
   */
  routeUploadsTo(workflow: IStateMachine, functionFailures: IQueue): CasebookFunction {
    const router = new CasebookFunction(this, 'IntakeRouter', {
      name: 'intake-router',
      description: 'Starts one dossier-review execution per uploaded dossier version',
      memorySize: 256,
      timeout: Duration.seconds(15),
      failureQueue: functionFailures,
    });
    this.router = router;
    router.addEnvironment('DOSSIER_REVIEW_ARN', workflow.stateMachineArn);
    allow(roleOf(router), { actions: ['states:StartExecution'], resources: [workflow.stateMachineArn] });
    new Rule(this, 'DossierUploaded', {
      description: 'A dossier was uploaded: start its review (execution named from bucket/key/version)',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [this.bucket.bucketName] },
          object: { key: [{ prefix: DOSSIER_PREFIXES.uploads }] },
        },
      },
      targets: [
        new LambdaFunction(router, {
          deadLetterQueue: this.eventFailures,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    return router;
  }
}
