/**
 * Signing in on AWS: the user pool domain with managed login, the public app client (code grant
 * with PKCE from the console and the CLI, no secret) whose callback and sign-out URLs derive from
 * the site's domain, MFA and threat protection as before, the outputs, the API's /auth/config
 * wiring and the console's CSP.
 */
import { beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { ROUTES } from '../../src/api/routes';
import { CLI_LOGIN_PORTS } from '../../src/auth/config';
import { functionIds, mentions, ofType, synthesize, TEST_PARAMETERS, type Synthesized } from './support';

let s: Synthesized;
let custom: Synthesized;
beforeAll(() => {
  s = synthesize();
  custom = synthesize({
    ...TEST_PARAMETERS,
    siteDomain: 'cases.rd.gd.example.cn',
    certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc',
    authDomainPrefix: 'gdrd-cases',
  });
}, 120_000);

const one = (t: Synthesized, type: string) => {
  const found = ofType(t.resources, type);
  expect(
    found.map(([id]) => id),
    type,
  ).toHaveLength(1);
  return found[0]!;
};
const clientOf = (t: Synthesized) => one(t, 'AWS::Cognito::UserPoolClient')[1].Properties!;
const cliCallbacks = CLI_LOGIN_PORTS.map((port) => `http://localhost:${port}/callback`);

describe('user pool domain and managed login', () => {
  it('the stack creates a Cognito-prefix domain on the pool with the newer managed login', () => {
    const [poolId] = one(s, 'AWS::Cognito::UserPool');
    const [, domain] = one(s, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties!.UserPoolId).toEqual({ Ref: poolId });
    expect(domain.Properties!.ManagedLoginVersion).toBe(2);
    // default prefix: casebook-<account id>
    expect(domain.Properties!.Domain).toEqual({ 'Fn::Join': ['', ['casebook-', { Ref: 'AWS::AccountId' }]] });
    expect(one(custom, 'AWS::Cognito::UserPoolDomain')[1].Properties!.Domain).toBe('gdrd-cases');
  });

  it("the app client has Cognito's managed login branding", () => {
    const [poolId] = one(s, 'AWS::Cognito::UserPool');
    const [clientId] = one(s, 'AWS::Cognito::UserPoolClient');
    const [, branding] = one(s, 'AWS::Cognito::ManagedLoginBranding');
    expect(branding.Properties).toMatchObject({ UserPoolId: { Ref: poolId }, ClientId: { Ref: clientId }, UseCognitoProvidedValues: true });
  });
});

describe('the app client', () => {
  it('is public (no secret) and allows only the authorization code grant, with the openid, email and profile scopes, from Cognito accounts', () => {
    const c = clientOf(s);
    expect(c.GenerateSecret).toBe(false);
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(c.AllowedOAuthFlows).toEqual(['code']);
    expect([...c.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(c.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(c.PreventUserExistenceErrors).toBe('ENABLED');
  });

  it('calls back to <SiteUrl>/console/callback.html (the CloudFront domain without a custom domain) and the CLI loopback ports, and signs out to <SiteUrl>/console/', () => {
    const [distributionId] = one(s, 'AWS::CloudFront::Distribution');
    const c = clientOf(s);
    const site = { 'Fn::GetAtt': [distributionId, 'DomainName'] };
    expect(c.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', site, '/console/callback.html']] }, ...cliCallbacks]);
    expect(c.LogoutURLs).toEqual([{ 'Fn::Join': ['', ['https://', site, '/console/']] }]);
  });

  it('with a custom domain, the URLs are on it', () => {
    const c = clientOf(custom);
    expect(c.CallbackURLs).toEqual(['https://cases.rd.gd.example.cn/console/callback.html', ...cliCallbacks]);
    expect(c.LogoutURLs).toEqual(['https://cases.rd.gd.example.cn/console/']);
  });

  it('is the audience of the JWT authorizer', () => {
    const [clientId] = one(s, 'AWS::Cognito::UserPoolClient');
    const [, authorizer] = one(s, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties!.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
  });
});

describe('the user pool keeps its protections', () => {
  it('requires MFA by TOTP (no SMS), only the office creates accounts, and threat protection stays in full-function mode', () => {
    const p = one(s, 'AWS::Cognito::UserPool')[1].Properties!;
    expect(p.MfaConfiguration).toBe('ON');
    expect(p.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(p.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(p.UserPoolTier).toBe('PLUS');
    expect(p.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(p.DeletionProtection).toBe('ACTIVE');
  });
});

describe('discovery', () => {
  it('GET /auth/config is a public route served by the api function', () => {
    expect(ROUTES.find((r) => r.path === '/auth/config')).toMatchObject({ method: 'GET', auth: 'public', fn: 'api' });
    const route = ofType(s.resources, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties!.RouteKey === 'GET /auth/config');
    expect(route?.[1].Properties!.AuthorizationType).toBe('NONE');
  });

  it('the api function knows the issuer, the client and the sign-in domain', () => {
    const [poolId] = one(s, 'AWS::Cognito::UserPool');
    const [clientId] = one(s, 'AWS::Cognito::UserPoolClient');
    const env = s.resources[functionIds(s.resources).get('api')!]!.Properties!.Environment.Variables;
    expect(mentions(env.AUTH_ISSUER, poolId)).toBe(true);
    expect(env.AUTH_CLIENT_ID).toEqual({ Ref: clientId });
    expect(JSON.stringify(env.AUTH_DOMAIN_URL)).toContain('.auth.');
    expect(JSON.stringify(env.AUTH_DOMAIN_URL)).toContain('amazoncognito.com');
  });

  it('the stack outputs the sign-in domain, the issuer and the /auth/config URL', () => {
    const outputs = s.template.toJSON().Outputs;
    expect(JSON.stringify(outputs.SignInDomain.Value)).toMatch(/https:\/\/casebook-.*\.auth\..*amazoncognito\.com/);
    const [poolId] = one(s, 'AWS::Cognito::UserPool');
    expect(mentions(outputs.AuthIssuer.Value, poolId)).toBe(true);
    expect(JSON.stringify(outputs.AuthConfigUrl.Value)).toContain('/auth/config');
    expect(custom.template.toJSON().Outputs.SignInDomain.Value).toEqual({
      'Fn::Join': ['', ['https://gdrd-cases.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']],
    });
  });

  it("the site's CSP lets the console reach the sign-in domain's token endpoint", () => {
    for (const t of [s, custom]) {
      const [, policy] = one(t, 'AWS::CloudFront::ResponseHeadersPolicy');
      const csp = JSON.stringify(
        policy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
      );
      const connect = csp.slice(csp.indexOf('connect-src'), csp.indexOf('object-src'));
      expect(connect).toMatch(/\.auth\.[^;]*amazoncognito\.com/);
    }
  });
});
