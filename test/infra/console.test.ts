/**
 * The web console on AWS: CDK's bucket deployment copies console/ and a config.json naming the API
 * under console/ of the site bucket, never deleting anything the publisher wrote, with a role of
 * its own that can do exactly that.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { CONSOLE_PREFIX } from '../../lib/publication';
import {
  actionsOf,
  mentions,
  ofType,
  resourcesOf,
  roleOfFunction,
  statementsOfRole,
  synthesizeKeepingAssets,
  type CfnResourceJson,
  type Synthesized,
} from './support';

let s: Synthesized & { outdir: string };
beforeAll(() => {
  s = synthesizeKeepingAssets();
});
afterAll(() => {
  if (s) rmSync(s.outdir, { recursive: true, force: true });
});

const only = (type: string, prefix = ''): [string, CfnResourceJson] => {
  const found = ofType(s.resources, type).filter(([id]) => id.startsWith(prefix));
  expect(
    found.map(([id]) => id),
    `${type} ${prefix}*`,
  ).toHaveLength(1);
  return found[0]!;
};
const deployment = () => only('Custom::CDKBucketDeployment')[1].Properties!;
const handlerId = () => (deployment().ServiceToken as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const statements = () => statementsOfRole(s.resources, roleOfFunction(s.resources, handlerId()));
/** The staged folder of the deployment's n-th source (`<hash>.zip` in the template, `asset.<hash>/` in the assembly). */
const stagedSource = (n: number) => join(s.outdir, `asset.${String(deployment().SourceObjectKeys[n]).replace(/\.zip$/, '')}`);

describe('console deployment', () => {
  it('copies into console/ of the site bucket without pruning, keeps the files on stack deletion, and invalidates /console/* only', () => {
    const [siteBucket] = only('AWS::S3::Bucket', 'PublicationSiteBucket');
    const [distribution] = only('AWS::CloudFront::Distribution');
    const p = deployment();
    expect(CONSOLE_PREFIX).toBe('console/');
    expect(p.DestinationBucketName).toEqual({ Ref: siteBucket });
    expect(p.DestinationBucketKeyPrefix).toBe('console/');
    // `aws s3 sync --delete` only runs when Prune is true; absent means true.
    expect(p.Prune).toBe(false);
    expect(p.RetainOnDelete).toBe(true);
    expect(p.DistributionId).toEqual({ Ref: distribution });
    expect(p.DistributionPaths).toEqual(['/console/*']);
  });

  it('ships the console folder as it is in the repository', () => {
    const dir = stagedSource(0);
    for (const file of [
      'index.html',
      'applicant.html',
      'reviewer.html',
      'office.html',
      'approver.html',
      'accounts.html',
      'console.css',
      'js/core.js',
      'js/accounts.js',
    ]) {
      expect(readFileSync(join(dir, file))).toEqual(readFileSync(join('console', file)));
    }
    // the deployment's own config.json is the only one; the repository carries none to overwrite it
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('writes config.json whose apiBaseUrl is the HTTP API endpoint (the ApiUrl output) and whose auth says where to sign in', () => {
    const config = JSON.parse(readFileSync(join(stagedSource(1), 'config.json'), 'utf8')) as {
      apiBaseUrl: string;
      auth: Record<string, unknown>;
    };
    expect(Object.keys(config)).toEqual(['apiBaseUrl', 'auth']);
    expect(Object.keys(config.auth).sort()).toEqual(
      [
        'authorizationEndpoint',
        'clientId',
        'cliLoginPorts',
        'discoveryUrl',
        'issuer',
        'logoutEndpoint',
        'revocationEndpoint',
        'scopes',
        'tokenEndpoint',
        'userInfoEndpoint',
      ].sort(),
    );
    expect(config.auth.scopes).toEqual(['openid', 'email', 'profile']);
    const authMarkers = deployment().SourceMarkers[1] as Record<string, unknown>;
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    expect(authMarkers[config.auth.clientId as string]).toEqual({ Ref: clientId });
    const markers = deployment().SourceMarkers[1] as Record<string, unknown>;
    expect(Object.keys(markers)).toContain(config.apiBaseUrl);
    const apiUrl = s.template.toJSON().Outputs.ApiUrl.Value;
    expect(apiUrl).toEqual({ 'Fn::GetAtt': [only('AWS::ApiGatewayV2::Api')[0], 'ApiEndpoint'] });
    expect(markers[config.apiBaseUrl]).toEqual(apiUrl);
    // the value is written into a JSON string, so it must be escaped as one
    expect(deployment().SourceMarkersConfig[1]).toEqual({ jsonEscape: true });
  });

  it('the stack outputs the console URL: the site URL followed by /console/', () => {
    const outputs = s.template.toJSON().Outputs;
    const domain = { 'Fn::GetAtt': [only('AWS::CloudFront::Distribution')[0], 'DomainName'] };
    expect(outputs.SiteUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', domain]] });
    expect(outputs.ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', domain, '/console/']] });
  });

  it('its role reads only the two source zips, lists the site bucket, writes only console/* there, and invalidates only this distribution', () => {
    const [siteBucket] = only('AWS::S3::Bucket', 'PublicationSiteBucket');
    const [dossierBucket] = only('AWS::S3::Bucket', 'DossierIntakeDossierBucket');
    const [distribution] = only('AWS::CloudFront::Distribution');
    const all = statements();
    const withAction = (action: string) => all.filter((st) => actionsOf(st).includes(action));

    for (const st of all) {
      for (const action of actionsOf(st)) expect(action, 'no wildcard action').not.toContain('*');
      expect(mentions(st.Resource, dossierBucket), 'never the dossier bucket').toBe(false);
    }
    expect(all.flatMap(actionsOf).filter((a) => /^s3:Delete|^s3:PutObjectAcl|^s3:PutBucket/.test(a))).toEqual([]);

    const reads = withAction('s3:GetObject')
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    expect(reads).toHaveLength(2);
    // one read per source zip, in whatever order the statements list them
    for (const key of deployment().SourceObjectKeys as string[]) expect(reads.filter((r) => r.includes(`/${key}"`))).toHaveLength(1);
    expect(withAction('s3:ListBucket').flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [siteBucket, 'Arn'] }]);
    expect(withAction('s3:PutObject').flatMap(resourcesOf)).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [siteBucket, 'Arn'] }, '/console/*']] },
    ]);
    const invalidations = withAction('cloudfront:CreateInvalidation').flatMap(resourcesOf);
    expect(invalidations).toHaveLength(1);
    expect(mentions(invalidations[0], distribution)).toBe(true);
    expect(JSON.stringify(invalidations)).toContain(':distribution/');
  });

  it('its function logs to its own log group with a retention, and exists only after its role may act', () => {
    const fn = s.resources[handlerId()]!;
    const role = roleOfFunction(s.resources, handlerId());
    const logGroup = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(s.resources[logGroup]!.Properties!.RetentionInDays).toBeGreaterThan(0);
    expect(fn.Properties!.MemorySize).toBeLessThan(1024);
    const policies = ofType(s.resources, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties!.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role),
    );
    expect(policies).toHaveLength(1);
    expect(fn.DependsOn).toEqual(expect.arrayContaining([policies[0]![0]]));
  });
});
