import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, StartingPosition, FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type Bucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Bindable, CaseStore } from './case-store';
import { CasebookFunction, PROJECT_ROOT } from './casebook-function';
import { accessLogBucket, privateBucket } from './dossier-intake';
import { allow, roleOf, wildcardFinding } from './iam';
import { failureQueue } from './observability';
import type { AuthConfig } from '../src/auth/config';

/** Where the web console lives in the site bucket (and so on the site): `<siteUrl>/console/`. */
export const CONSOLE_PREFIX = 'console/';

/** A few hundred KB of pages: the AWS CLI's sync needs nowhere near the 1 GB default. */
const CONSOLE_DEPLOYMENT_MEMORY_MB = 512;

/** Item types whose changes can change the published site (see docs/table-design.md). */
export const PUBLICATION_ITEM_TYPES = ['Round', 'Case'] as const;

/**
 * The stream filters of the publisher: a record passes when its new OR its old image is a Round
 * or a Case (the old image catches deletions). Lambda ORs the filters of one mapping.
 */
export function publicationFilters(): Array<Record<string, unknown>> {
  return (['NewImage', 'OldImage'] as const).map((image) =>
    FilterCriteria.filter({ dynamodb: { [image]: { type: { S: FilterRule.or(...PUBLICATION_ITEM_TYPES) } } } }),
  );
}

/**
 * Rewrites `/path/` to `/path/index.html` and `/path` (no extension) to `/path/index.html`:
 * the default root object only applies to `/`, and the site is made of directory pages.
 */
export const DIRECTORY_INDEX_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    request.uri = uri + '/index.html';
  }
  return request;
}`;

/**
 * The Content-Security-Policy: nothing inline, nothing from elsewhere but the API (and Cognito)
 * for the console; forms may post only to the site and the API (the public-notice page's
 * objection form posts to the API without JavaScript).
 */
export function contentSecurityPolicy(connectSources: string[], formActions: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${formActions.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

export interface PublicationProps {
  readonly store: CaseStore;
  readonly functionFailures: IQueue;
  readonly accessLogs: Bucket;
  /** Origins the console may call (the API and Cognito endpoints), for `connect-src`. */
  readonly connectSources: string[];
  /** Origins forms may post to (the API, for the objection form), for `form-action`. */
  readonly formActions: string[];
  /** The HTTP API's base URL: the notice page's objection form posts there (API_BASE_URL). */
  readonly apiUrl: string;
  /** Where the console signs in (written into its config.json). */
  readonly auth?: AuthConfig;
  /** Custom domain; requires `certificateArn` (an ACM certificate in us-east-1). */
  readonly siteDomain?: string;
  readonly certificateArn?: string;
}

/**
 * Publication: the static site. A private site bucket behind CloudFront with origin access
 * control (S3 website hosting could not use it and serves HTTP only), HTTPS only with TLS 1.2+
 * when a domain is configured, strict security headers, a directory-index function, and the
 * `publisher` function fed by the table stream (Round/Case changes only), which renders the
 * changed pages, writes them and invalidates their paths.
 */
export class Publication extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly publisher: CasebookFunction;
  readonly streamFailures: Queue;
  /** `https://<domain>` — the custom domain if given, else the CloudFront domain. */
  readonly siteUrl: string;
  /** Uploads `console/` (and its `config.json`) under `CONSOLE_PREFIX` of the site bucket. */
  readonly consoleDeployment: BucketDeployment;
  /** `<siteUrl>/console/`. */
  readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: PublicationProps) {
    super(scope, id);
    if (Boolean(props.siteDomain) !== Boolean(props.certificateArn)) {
      throw new Error('siteDomain and certificateArn go together: give both or neither');
    }
    this.bucket = privateBucket(this, 'SiteBucket', {
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ id: 'expire-replaced-pages', noncurrentVersionExpiration: Duration.days(30) }],
    });
    // CloudFront standard logs are delivered with ACLs, so this one bucket keeps ACLs enabled.
    const cdnLogs = accessLogBucket(this, 'CdnLogs', { objectOwnership: ObjectOwnership.OBJECT_WRITER });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'casebook: strict CSP, HSTS, no framing, no sniffing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connectSources, props.formActions), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });
    const directoryIndex = new CloudFrontFunction(this, 'DirectoryIndex', {
      code: FunctionCode.fromInline(DIRECTORY_INDEX_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serve index.html for directory paths',
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'casebook published site',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      ...(props.siteDomain && props.certificateArn
        ? {
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [props.siteDomain],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
          }
        : {}),
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: directoryIndex, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The announcement is public by law; it must be readable from anywhere, so no geo restriction.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'Static, read-only pages behind CloudFront; a WAF web ACL (us-east-1 only) adds cost without a threat it would stop here.',
    });
    if (!props.siteDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default certificate, whose minimum protocol cannot be set; deploy with siteDomain + certificateArn for TLS 1.2+.',
      });
    }
    this.siteUrl = `https://${props.siteDomain ?? this.distribution.distributionDomainName}`;

    this.streamFailures = failureQueue(this, 'PublishFailures');
    this.publisher = new CasebookFunction(this, 'Publisher', {
      name: 'publisher',
      description: 'Renders the changed pages of the site from table changes, writes them, invalidates their paths',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      failureQueue: props.functionFailures,
    });
    props.store.bindRead(this.publisher);
    this.bindSiteWriter(this.publisher);
    this.bindSiteUrl(this.publisher);
    this.publisher.addEnvironment('API_BASE_URL', props.apiUrl);
    this.publisher.addEventSource(
      new DynamoEventSource(props.store.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(10),
        bisectBatchOnError: true,
        // The handler reports the first failed record, so retries resume there, not at the batch start.
        reportBatchItemFailures: true,
        retryAttempts: 5,
        maxRecordAge: Duration.days(1),
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.streamFailures),
        filters: publicationFilters(),
      }),
    );
    Validations.of(roleOf(this.publisher)).acknowledge({
      id: wildcardFinding(this.publisher, '*'),
      reason: 'dynamodb:ListStreams (added by the stream event source) supports no resource-level permission.',
    });

    this.consoleDeployment = this.deployConsole(props.apiUrl, props.auth);
    this.consoleUrl = `${this.siteUrl}/${CONSOLE_PREFIX}`;
  }

  /**
   * The console's static files and a `config.json` naming the API and where to sign in (the
   * pages read it when no `?api=` is given), copied under `console/` by CDK's bucket-deployment custom resource.
   *
   * The publisher owns the rest of the bucket and deletes only paths its own manifest lists,
   * which never start with `console/`. The deployment never deletes at all: no prune (a console
   * file dropped from the repository stays until removed by hand, harmless beside the new ones)
   * and retained on stack deletion. Its role therefore needs no s3:DeleteObject, and is ours,
   * with explicit statements: handed to the construct without policy updates, so CDK's grants
   * (`s3:GetObject*`, `s3:List*`, `s3:DeleteObject*` on the whole bucket, invalidations on `*`)
   * are dropped instead of added.
   */
  private deployConsole(apiUrl: string, auth: AuthConfig | undefined): BucketDeployment {
    const logGroup = new LogGroup(this, 'ConsoleDeploymentLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'ConsoleDeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'casebook: copies the web console into the site bucket under console/',
    });
    const deployment = new BucketDeployment(this, 'ConsoleDeployment', {
      sources: [
        Source.asset(join(PROJECT_ROOT, 'console')),
        Source.jsonData('config.json', { apiBaseUrl: apiUrl, ...(auth ? { auth } : {}) }),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_PREFIX,
      prune: false,
      retainOnDelete: true,
      distribution: this.distribution,
      distributionPaths: [`/${CONSOLE_PREFIX}*`],
      memoryLimit: CONSOLE_DEPLOYMENT_MEMORY_MB,
      role: role.withoutPolicyUpdates(),
      logGroup,
    });

    allow(role, {
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
      wildcardReason: "The ARN of the deployment function's own log group ends in :* to cover its log streams.",
    });
    // Each source is one zip in the bootstrap asset bucket: read exactly those objects. (The AWS
    // CLI layer's zip, deeper in the tree, is fetched by the Lambda service, not by this role.)
    const assets = deployment.node.children.filter((c): c is Asset => c instanceof Asset);
    if (assets.length !== 2) throw new Error(`console deployment: expected 2 source assets, found ${assets.length}`);
    allow(role, { actions: ['s3:GetObject'], resources: assets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)) });
    // `aws s3 sync` lists the destination to skip unchanged files.
    allow(role, { actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] });
    allow(role, {
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects(`${CONSOLE_PREFIX}*`)],
      wildcardReason: 'The deployment writes the console files, whose names come from the console folder, under console/ only.',
    });
    allow(role, {
      actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
      resources: [this.distributionArn()],
    });

    // CDK keeps one handler per stack and memory size, at stack level, named after both.
    const handler = Stack.of(this)
      .node.children.filter((c): c is LambdaFunction => c instanceof LambdaFunction)
      .find((fn) => fn.node.id.startsWith('Custom::CDKBucketDeployment') && fn.node.id.endsWith(`${CONSOLE_DEPLOYMENT_MEMORY_MB}MiB`));
    if (!handler) throw new Error('console deployment: the bucket-deployment function was not found at stack level');
    const findings: Array<[id: string, reason: string]> = [
      [
        'AwsSolutions-L1',
        "aws-cdk-lib pins this handler's Python runtime together with the AWS CLI layer it ships and tests; upgrading aws-cdk-lib moves both.",
      ],
      [
        'Serverless-LambdaLatestVersion',
        "aws-cdk-lib pins this handler's Python runtime together with the AWS CLI layer it ships and tests; upgrading aws-cdk-lib moves both.",
      ],
      [
        'Serverless-LambdaDLQ',
        'CloudFormation invokes this handler and waits for the response it sends back: a failed copy fails (and rolls back) the deployment, so a queued event would have no one to replay it.',
      ],
      [
        'Serverless-LambdaTracing',
        'A copy job run once per deployment whose outcome CloudFormation records; tracing it would need X-Ray permissions on resource * for nothing worth looking at.',
      ],
    ];
    for (const [id, reason] of findings) Validations.of(handler).acknowledge({ id, reason });
    return deployment;
  }

  private distributionArn(): string {
    return Stack.of(this).formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'distribution',
      resourceName: this.distribution.distributionId,
    });
  }

  /** SITE_BUCKET, DISTRIBUTION_ID; read/write/delete site objects; invalidate this distribution only. */
  bindSiteWriter(fn: Bindable): void {
    fn.addEnvironment('SITE_BUCKET', this.bucket.bucketName);
    fn.addEnvironment('DISTRIBUTION_ID', this.distribution.distributionId);
    allow(roleOf(fn), { actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] });
    allow(roleOf(fn), {
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [this.bucket.arnForObjects('*')],
      wildcardReason: 'The publisher owns every page of the site bucket (page paths come from the data).',
    });
    allow(roleOf(fn), {
      actions: ['cloudfront:CreateInvalidation'],
      resources: [this.distributionArn()],
    });
  }

  /** SITE_BASE_URL for links in pages, feeds and notifications. */
  bindSiteUrl(fn: Bindable): void {
    fn.addEnvironment('SITE_BASE_URL', this.siteUrl);
  }
}
