import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { ROUTES } from '../../src/api/routes';
import { ROLES } from '../../src/domain/model';
import { DIRECTORY_INDEX_FUNCTION } from '../../lib/publication';
import { USER_ADMIN_ACTIONS } from '../../lib/api';
import { functionIds, mentions, ofType, synthesize, type Synthesized } from './support';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const bucketIdsByPrefix = () => {
  const ids = ofType(s.resources, 'AWS::S3::Bucket').map(([id]) => id);
  const find = (prefix: string) => {
    const id = ids.find((i) => i.startsWith(prefix));
    if (!id) throw new Error(`no bucket ${prefix}* among ${ids.join(', ')}`);
    return id;
  };
  return { ids, dossier: find('DossierIntakeDossierBucket'), site: find('PublicationSiteBucket') };
};

describe('buckets', () => {
  it('every bucket blocks all public access and is encrypted', () => {
    const buckets = ofType(s.resources, 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(4);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm).toBe(
        'AES256',
      );
    }
  });

  it('every bucket has a policy denying requests without TLS', () => {
    const { ids } = bucketIdsByPrefix();
    const policies = ofType(s.resources, 'AWS::S3::BucketPolicy');
    for (const id of ids) {
      const policy = policies.find(([, p]) => p.Properties?.Bucket?.Ref === id);
      expect(policy, `bucket ${id} has a policy`).toBeDefined();
      const denies = (policy![1].Properties?.PolicyDocument?.Statement ?? []).filter(
        (st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
      expect(denies, `bucket ${id} denies insecure transport`).toHaveLength(1);
      expect(denies[0].Principal).toEqual({ AWS: '*' });
      expect(denies[0].Action).toBe('s3:*');
    }
  });

  it('the dossier bucket is versioned, access-logged, expires superseded versions, allows browser PUTs and notifies EventBridge', () => {
    const { dossier } = bucketIdsByPrefix();
    const p = s.resources[dossier]!.Properties!;
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.LoggingConfiguration?.DestinationBucketName).toBeDefined();
    expect(p.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(p.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })]),
    );
    const cors = p.CorsConfiguration.CorsRules;
    expect(cors).toHaveLength(1);
    expect(cors[0].AllowedMethods).toEqual(['PUT']);
    expect(JSON.stringify(cors[0].AllowedOrigins)).not.toContain('"*"');
  });

  it('no bucket is a website bucket', () => {
    for (const [, bucket] of ofType(s.resources, 'AWS::S3::Bucket')) {
      expect(bucket.Properties?.WebsiteConfiguration).toBeUndefined();
    }
  });
});

describe('uploads start the review', () => {
  it('an EventBridge rule sends Object Created under dossiers/ of the dossier bucket to intake-router, with a DLQ', () => {
    const { dossier } = bucketIdsByPrefix();
    const rules = ofType(s.resources, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.EventPattern !== undefined);
    expect(rules).toHaveLength(1);
    const rule = rules[0]![1].Properties!;
    expect(rule.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: dossier }] }, object: { key: [{ prefix: 'dossiers/' }] } },
    });
    expect(rule.Targets).toHaveLength(1);
    const routerId = functionIds(s.resources).get('intake-router')!;
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [routerId, 'Arn'] });
    expect(rule.Targets[0].DeadLetterConfig?.Arn).toBeDefined();
  });
});

describe('charter due times act', () => {
  it('an hourly schedule invokes remind-overdue (and nothing else), with retries, a DLQ and an age limit', () => {
    const schedules = ofType(s.resources, 'AWS::Events::Rule').filter(([, r]) => r.Properties?.ScheduleExpression !== undefined);
    expect(schedules).toHaveLength(1);
    const rule = schedules[0]![1].Properties!;
    expect(rule.ScheduleExpression).toBe('rate(1 hour)');
    expect(rule.State ?? 'ENABLED').toBe('ENABLED');
    expect(rule.Targets).toHaveLength(1);
    const target = rule.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionIds(s.resources).get('remind-overdue')!, 'Arn'] });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    const failures = ofType(s.resources, 'AWS::SQS::Queue').find(([id]) => id.startsWith('ObservabilityFunctionFailures'))![0];
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [failures, 'Arn'] } });
  });

  it('remind-overdue has the table, the notifier settings and an errors alarm', () => {
    const id = functionIds(s.resources).get('remind-overdue')!;
    const env = s.resources[id]!.Properties!.Environment.Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['TABLE_NAME', 'NOTIFIER', 'SENDER_EMAIL', 'SITE_BASE_URL']));
    const alarms = ofType(s.resources, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
      (a.Properties?.Dimensions ?? []).some((d: { Name: string; Value: unknown }) => d.Name === 'FunctionName' && mentions(d.Value, id)),
    );
    expect(alarms.map(([, a]) => a.Properties!.MetricName)).toEqual(['Errors']);
  });
});

describe('the case table', () => {
  it('matches docs/architecture.md: PK/SK, GSI1, GSI2, on-demand, stream with both images, PITR, deletion protection, TTL', () => {
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: ['GSI1', 'GSI2'].map((name) => ({
          IndexName: name,
          KeySchema: [
            { AttributeName: `${name}PK`, KeyType: 'HASH' },
            { AttributeName: `${name}SK`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      },
    });
  });
});

describe('publication', () => {
  it('CloudFront reaches the private site bucket through origin access control only', () => {
    const { site } = bucketIdsByPrefix();
    s.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    s.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const [, dist] = ofType(s.resources, 'AWS::CloudFront::Distribution')[0]!;
    const config = dist.Properties!.DistributionConfig;
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(mentions(config.Origins[0].DomainName, site)).toBe(true);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Logging?.Bucket).toBeDefined();
    // The bucket policy lets only this distribution's service principal read.
    const policy = ofType(s.resources, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties?.Bucket?.Ref === site)![1];
    const reads = policy.Properties!.PolicyDocument.Statement.filter((st: any) => st.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(reads[0].Action).toBe('s3:GetObject');
    expect(reads[0].Condition.StringEquals['AWS:SourceArn']).toBeDefined();
  });

  it('responses carry a strict CSP (no inline script or style) and HSTS', () => {
    const [, policy] = ofType(s.resources, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const security = policy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self';",
      "style-src 'self';",
      "object-src 'none'",
      "base-uri 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain('connect-src');
    // the public-notice page's objection form posts to the API, and nowhere else
    expect(csp).toContain("form-action 'self' https://*.execute-api.");
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 730 * 86400,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(security.FrameOptions.FrameOption).toBe('DENY');
  });

  it('the directory-index function serves index.html for directory paths and leaves files alone', () => {
    const handler = new Function(`${DIRECTORY_INDEX_FUNCTION}; return handler;`)() as (e: unknown) => { uri: string };
    const uri = (path: string) => handler({ request: { uri: path } }).uri;
    expect(uri('/')).toBe('/index.html');
    expect(uri('/zh-hant/round-5/')).toBe('/zh-hant/round-5/index.html');
    expect(uri('/zh-hans/cases/c-001')).toBe('/zh-hans/cases/c-001/index.html');
    expect(uri('/assets/site.css')).toBe('/assets/site.css');
    expect(uri('/feed.xml')).toBe('/feed.xml');
    const [, fn] = ofType(s.resources, 'AWS::CloudFront::Function')[0]!;
    expect(fn.Properties!.FunctionCode).toBe(DIRECTORY_INDEX_FUNCTION);
  });

  it('with a custom domain the distribution requires TLS 1.2 and uses the given certificate', () => {
    const withDomain = synthesize({
      senderEmail: 'casebook@rd.gd.example.cn',
      siteDomain: 'cases.rd.gd.example.cn',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f3a1b2c-1111-2222-3333-444455556666',
    });
    const [, dist] = ofType(withDomain.resources, 'AWS::CloudFront::Distribution')[0]!;
    const config = dist.Properties!.DistributionConfig;
    expect(config.Aliases).toEqual(['cases.rd.gd.example.cn']);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f3a1b2c-1111-2222-3333-444455556666',
    });
    const publisher = functionIds(withDomain.resources).get('publisher')!;
    expect(withDomain.resources[publisher]!.Properties!.Environment.Variables.SITE_BASE_URL).toBe('https://cases.rd.gd.example.cn');
  });

  it('a domain without a certificate is refused', () => {
    expect(() => synthesize({ siteDomain: 'cases.rd.gd.example.cn' })).toThrow(/certificateArn/);
  });

  it('the publisher reads the stream filtered to Round and Case items, bisects, retries, and parks failures in a queue', () => {
    const publisher = functionIds(s.resources).get('publisher')!;
    const mappings = ofType(s.resources, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const m = mappings[0]![1].Properties!;
    expect(m.FunctionName).toEqual({ Ref: publisher });
    expect(m.BisectBatchOnFunctionError).toBe(true);
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.MaximumRetryAttempts).toBe(5);
    expect(m.BatchSize).toBe(100);
    expect(m.StartingPosition).toBe('TRIM_HORIZON');
    expect(m.DestinationConfig.OnFailure.Destination).toBeDefined();
    const patterns = m.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { type: { S: ['Round', 'Case'] } } } },
      { dynamodb: { OldImage: { type: { S: ['Round', 'Case'] } } } },
    ]);
  });
});

describe('functions', () => {
  const EXPECTED = [
    'intake-router',
    'parse-dossier',
    'validate-dossier',
    'record-rejection',
    'store-case',
    'open-task',
    'handle-timeout',
    'remind-overdue',
    'aggregate-scores',
    'check-round',
    'rank-shortlist',
    'open-notice',
    'collect-objections',
    'mark-approved',
    'publisher',
    'api',
    'decide',
  ];

  it('the seventeen functions of docs/architecture.md exist, each named by casebook:function metadata with asset metadata', () => {
    const ids = functionIds(s.resources);
    expect([...ids.keys()].sort()).toEqual([...EXPECTED].sort());
    for (const id of ids.values()) {
      expect(s.resources[id]!.Metadata?.['aws:asset:path']).toBeDefined();
    }
  });

  it("besides them, the only function is the handler of the console deployment (CDK's, tested in console.test.ts)", () => {
    const casebook = new Set(functionIds(s.resources).values());
    const others = ofType(s.resources, 'AWS::Lambda::Function')
      .filter(([id]) => !casebook.has(id))
      .map(([id]) => id);
    const tokens = ofType(s.resources, 'Custom::CDKBucketDeployment').map(([, r]) => r.Properties!.ServiceToken['Fn::GetAtt'][0]);
    expect(others).toEqual(tokens);
    expect(others).toHaveLength(1);
  });

  it('share the house defaults: nodejs24.x, arm64, ESM handler, explicit memory and timeout, tracing, own log group, DLQ, async failure destination', () => {
    const configs = ofType(s.resources, 'AWS::Lambda::EventInvokeConfig');
    for (const [name, id] of functionIds(s.resources)) {
      const p = s.resources[id]!.Properties!;
      expect(p.Runtime, name).toBe('nodejs24.x');
      expect(p.Architectures, name).toEqual(['arm64']);
      expect(p.Handler, name).toBe('index.handler');
      expect(p.MemorySize, name).toBeGreaterThanOrEqual(256);
      expect(p.Timeout, name).toBeGreaterThan(3);
      expect(p.TracingConfig, name).toEqual({ Mode: 'Active' });
      expect(p.LoggingConfig?.LogGroup, name).toBeDefined();
      expect(p.DeadLetterConfig?.TargetArn, name).toBeDefined();
      expect(p.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('casebook');
      const invoke = configs.find(([, c]) => c.Properties?.FunctionName?.Ref === id);
      expect(invoke?.[1].Properties?.DestinationConfig?.OnFailure?.Destination, name).toBeDefined();
    }
    for (const [, group] of ofType(s.resources, 'AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('environment variables follow the contract (each function gets what it reads, nothing it must not)', () => {
    const env = (name: string) => Object.keys(s.resources[functionIds(s.resources).get(name)!]!.Properties!.Environment.Variables);
    expect(env('intake-router')).toContain('DOSSIER_REVIEW_ARN');
    expect(env('intake-router')).not.toContain('TABLE_NAME');
    expect(env('api')).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'DOSSIER_BUCKET', 'ROUND_FINALIZATION_ARN', 'NOTIFIER', 'SENDER_EMAIL']),
    );
    expect(env('publisher')).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'SITE_BUCKET', 'DISTRIBUTION_ID', 'SITE_BASE_URL', 'API_BASE_URL']),
    );
    expect(env('publisher')).not.toContain('DOSSIER_BUCKET');
    expect(env('parse-dossier')).toEqual(expect.arrayContaining(['TABLE_NAME', 'DOSSIER_BUCKET']));
    expect(env('parse-dossier')).not.toContain('SITE_BUCKET');
    expect(env('record-rejection')).toEqual(expect.arrayContaining(['NOTIFIER', 'SENDER_EMAIL']));
    for (const name of ['store-case', 'aggregate-scores', 'check-round', 'rank-shortlist', 'mark-approved', 'decide']) {
      expect(env(name)).toContain('TABLE_NAME');
    }
  });

  it('without a sender address notifications stay in the outbox and no SES identity is created', () => {
    const bare = synthesize({});
    bare.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const api = functionIds(bare.resources).get('api')!;
    expect(bare.resources[api]!.Properties!.Environment.Variables.NOTIFIER).toBe('outbox');
  });
});

describe('api', () => {
  it('every route of ROUTES exists once, with the JWT authorizer exactly when auth is jwt, integrated with its function', () => {
    const routes = ofType(s.resources, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(ROUTES.length);
    const integrations = ofType(s.resources, 'AWS::ApiGatewayV2::Integration');
    const ids = functionIds(s.resources);
    const [authorizerId] = ofType(s.resources, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    for (const spec of ROUTES) {
      const found = routes.filter(([, r]) => r.Properties?.RouteKey === `${spec.method} ${spec.path}`);
      expect(found, `${spec.method} ${spec.path}`).toHaveLength(1);
      const route = found[0]![1].Properties!;
      if (spec.auth === 'jwt') {
        expect(route.AuthorizationType).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      }
      const integrationId = JSON.stringify(route.Target).match(/"(ApiHttpApi\w+Integration\w*)"/)?.[1];
      const integration = integrations.find(([id]) => id === integrationId)?.[1];
      expect(integration, `${spec.method} ${spec.path} integration`).toBeDefined();
      expect(mentions(integration!.Properties!.IntegrationUri, ids.get(spec.fn)!)).toBe(true);
    }
  });

  it('the JWT authorizer trusts the casebook user pool and its console client', () => {
    const [, authorizer] = ofType(s.resources, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties!.AuthorizerType).toBe('JWT');
    const [poolId] = ofType(s.resources, 'AWS::Cognito::UserPool')[0]!;
    const [clientId] = ofType(s.resources, 'AWS::Cognito::UserPoolClient')[0]!;
    expect(mentions(authorizer.Properties!.JwtConfiguration.Issuer, poolId)).toBe(true);
    expect(authorizer.Properties!.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
  });

  it('the stage logs access as JSON and throttles', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context.requestId') },
    });
  });

  it("the public objection route has its own low throttle on the stage, never the staff routes' budget", () => {
    const [, stage] = ofType(s.resources, 'AWS::ApiGatewayV2::Stage')[0]!;
    const settings = stage.Properties!.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const publicWrites = ROUTES.filter((r) => r.auth === 'public' && r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(publicWrites).toContain('POST /rounds/{roundId}/objections');
    // exactly the public writes have route settings: every staff route stays on the stage default
    expect(Object.keys(settings).sort()).toEqual(publicWrites.sort());
    for (const key of publicWrites) {
      expect(settings[key]).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 10 });
      expect(settings[key]!.ThrottlingRateLimit).toBeLessThan(stage.Properties!.DefaultRouteSettings.ThrottlingRateLimit);
    }
    // the stage waits for the routes its settings name
    const routeIds = ofType(s.resources, 'AWS::ApiGatewayV2::Route')
      .filter(([, r]) => publicWrites.includes(r.Properties!.RouteKey))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(publicWrites.length);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('the user pool has the four role groups, a strong password policy, required MFA, and users cannot set their unit', () => {
    const groups = ofType(s.resources, 'AWS::Cognito::UserPoolGroup')
      .map(([, g]) => g.Properties!.GroupName)
      .sort();
    expect(groups).toEqual([...ROLES].sort());
    const [, pool] = ofType(s.resources, 'AWS::Cognito::UserPool')[0]!;
    const p = pool.Properties!;
    expect(p.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect(p.MfaConfiguration).toBe('ON');
    expect(p.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(p.Schema).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'unitCode', AttributeDataType: 'String' })]));
    const [, client] = ofType(s.resources, 'AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties!.GenerateSecret).toBe(false);
    expect(client.Properties!.ReadAttributes).toContain('custom:unitCode');
    expect(client.Properties!.WriteAttributes).not.toContain('custom:unitCode');
    expect(client.Properties!.WriteAttributes).not.toContain('custom:jurisdictions');
  });

  it('the api function administers exactly the accounts: the pool id and the admin actions of the users routes on that pool only', () => {
    const [poolId, pool] = ofType(s.resources, 'AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties!.Schema).toEqual(
      expect.arrayContaining([expect.objectContaining({ Name: 'jurisdictions', AttributeDataType: 'String', Mutable: true })]),
    );
    // the invitation an import sends names the sign-in name and the temporary password, in both languages
    const invite = pool.Properties!.AdminCreateUserConfig.InviteMessageTemplate;
    expect(invite.EmailMessage).toContain('{username}');
    expect(invite.EmailMessage).toContain('{####}');
    expect(invite.EmailSubject).toMatch(/邀請.*invitation/);
    const ids = functionIds(s.resources);
    const api = s.resources[ids.get('api')!]!;
    expect(api.Properties!.Environment.Variables.USER_POOL_ID).toEqual({ Ref: poolId });
    const statements = ofType(s.resources, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((st) => ({
        roles: JSON.stringify(policy.Properties!.Roles),
        ...st,
      })),
    );
    const cognito = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toHaveLength(1);
    expect([cognito[0]!.Action].flat().sort()).toEqual([...USER_ADMIN_ACTIONS].sort());
    expect(cognito[0]!.Resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
    const apiRole = JSON.stringify(api.Properties!.Role).match(/"(\w+)"/)![1]!;
    expect(cognito[0]!.roles).toContain(apiRole);
    // no function but the api holds the pool id
    for (const [name, id] of ids)
      if (name !== 'api') expect(Object.keys(s.resources[id]!.Properties!.Environment?.Variables ?? {})).not.toContain('USER_POOL_ID');
  });
});

describe('observability', () => {
  const alarms = () => ofType(s.resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);

  it('every function has an Errors alarm, every state machine failed/timed-out alarms, every failure queue a depth alarm, all to the topic', () => {
    const [topicId] = ofType(s.resources, 'AWS::SNS::Topic')[0]!;
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    for (const id of functionIds(s.resources).values()) {
      expect(
        alarms().some((a) => a.MetricName === 'Errors' && mentions(a.Dimensions, id)),
        id,
      ).toBe(true);
    }
    for (const [id] of ofType(s.resources, 'AWS::StepFunctions::StateMachine')) {
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        expect(
          alarms().some((a) => a.MetricName === metric && mentions(a.Dimensions, id)),
          `${id} ${metric}`,
        ).toBe(true);
      }
    }
    for (const [id] of ofType(s.resources, 'AWS::SQS::Queue')) {
      if (id.startsWith('ObservabilityAlarmDeliveryFailures')) continue;
      expect(
        alarms().some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && mentions(a.Dimensions, id)),
        id,
      ).toBe(true);
    }
  });

  it('the alarm topic is encrypted, TLS-only and emails the alarm address', () => {
    const [, topic] = ofType(s.resources, 'AWS::SNS::Topic')[0]!;
    expect(topic.Properties!.KmsMasterKeyId).toBeDefined();
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_ALARM_EMAIL });
  });
});

const TEST_ALARM_EMAIL = 'ops@rd.gd.example.cn';
