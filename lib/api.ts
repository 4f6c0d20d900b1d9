import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  CfnUserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ROUTES, type RouteSpec } from '../src/api/routes';
import { authConfig, cliRedirectUri, CLI_LOGIN_PORTS, consoleCallbackUrl, consoleSignOutUrl, type AuthConfig } from '../src/auth/config';
import { ROLES } from '../src/domain/model';
import type { Bindable, CaseStore } from './case-store';
import { CasebookFunction } from './casebook-function';
import type { DossierIntake } from './dossier-intake';
import { allow, roleOf, wildcardFinding } from './iam';
import type { Notifications } from './notifications';

export interface ApiProps {
  readonly store: CaseStore;
  readonly intake: DossierIntake;
  readonly notifications: Notifications;
  readonly roundFinalization: IStateMachine;
  readonly functionFailures: IQueue;
  /** Browser origins allowed by CORS (the console's origin); may be a lazy token. */
  readonly allowedOrigins: string[];
  /** `https://<site domain>` (may be a lazy token): the console's callback and sign-out URLs live under it. */
  readonly siteUrl: string;
  /**
   * Prefix of the user pool domain, `<prefix>.auth.<region>.amazoncognito.com` (unique in the
   * region; no "aws", "amazon" or "cognito" in it).
   */
  readonly authDomainPrefix: string;
}

/** Request rate limits of the API stage: generous for a few hundred people, a wall against floods. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * The public routes' own limits, set on the stage's route settings: a route-level setting
 * replaces the stage default for that route, so anonymous traffic is metered against its own
 * small budget and never against the one the office and reviewers use. A notice period brings
 * tens of genuine objections in five days; 2/s (over 170,000 a day) with a burst of 10 leaves
 * them ample room and bounds what a flood can make the functions and the table do. During a
 * flood a genuine objector may be turned away by it too and has to try again.
 */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 2, burstLimit: 10 } as const;

/**
 * What the users routes do to the pool (src/adapters/cognito-user-directory.ts), and nothing else:
 * no AdminDeleteUser, no AdminSetUserPassword, no pool or client changes.
 */
export const USER_ADMIN_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:ListUsersInGroup',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminDeleteUserAttributes',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
] as const;

/** The invitation an imported person receives (Cognito fills in {username} and {####}). */
export const INVITATION = {
  subject: '評選系統帳號邀請 / casebook account invitation',
  body: [
    '您好！省人大常委會辦公廳已為您開設評選系統帳號。',
    '登入名稱：{username}',
    '臨時密碼：{####}',
    '首次登入時請設定新密碼並設定驗證器應用程式（TOTP）。臨時密碼三天內有效。',
    '',
    'Hello! The office has opened a casebook account for you.',
    'Sign-in name: {username}',
    'Temporary password: {####}',
    'At first sign-in you set a new password and enrol an authenticator app (TOTP). The temporary password is valid for three days.',
  ].join('<br>'),
} as const;

/** The route id used for each route's construct (stable, readable in the template). */
export function routeId(route: RouteSpec): string {
  return `${route.method} ${route.path}`;
}

/**
 * Api: the HTTP API of the console and the CLI. Cognito user pool (groups applicant, reviewer,
 * secretariat, approver; `custom:unitCode` set by the office, never by the user) with managed
 * login on a user pool domain, where people sign in (TOTP required; invited users set their
 * password and enrol an authenticator there), a public app client for the console and the CLI
 * (authorization code with PKCE, no secret), and a JWT authorizer; every route of `src/api/routes.ts` (`ROUTES`, shared with the local cloud and the
 * router) wired to `api` or `decide`; JSON access logs; stage throttling.
 */
export class Api extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** Base URL of managed login: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly signInUrl: string;
  /** What `GET /auth/config` answers and the console's config.json carries. */
  readonly authConfig: AuthConfig;
  readonly httpApi: HttpApi;
  readonly apiFunction: CasebookFunction;
  readonly decideFunction: CasebookFunction;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      // Accounts are created by the office: a unit's identity decides where its dossier goes.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        unitCode: new StringAttribute({ minLen: 6, maxLen: 64, mutable: true }),
        // reviewers: the division codes of their conflicts of interest, comma-separated
        jurisdictions: new StringAttribute({ minLen: 0, maxLen: 512, mutable: true }),
      },
      userInvitation: { emailSubject: INVITATION.subject, emailBody: INVITATION.body },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `casebook ${role}`,
      });
    }
    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Built from the prefix rather than the domain resource, so the site's CSP can name it
    // without the distribution depending on the user pool.
    this.signInUrl = `https://${props.authDomainPrefix}.auth.${Stack.of(this).region}.amazoncognito.com`;
    // One public client for the console and `casebook login`: the authorization code flow with
    // PKCE (both always send a code challenge), no secret to leak from a browser or a laptop.
    // Cognito matches redirect URLs exactly, so the CLI's loopback ports are a fixed few.
    this.client = this.userPool.addClient('Console', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [consoleCallbackUrl(props.siteUrl), ...CLI_LOGIN_PORTS.map(cliRedirectUri)],
        logoutUrls: [consoleSignOutUrl(props.siteUrl)],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }).withCustomAttributes('unitCode'),
      // Users must not change the unit they speak for.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    // Managed login shows a client's pages only once it has a branding style: Cognito's own.
    const branding = new CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    branding.node.addDependency(this.domain);
    this.authConfig = authConfig({
      issuer: this.userPool.userPoolProviderUrl,
      clientId: this.client.userPoolClientId,
      domainUrl: this.signInUrl,
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'casebook API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowedOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PATCH, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.SIX_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            caller: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    this.apiFunction = new CasebookFunction(this, 'ApiFunction', {
      name: 'api',
      description: 'The casebook HTTP API (every route except decisions)',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      failureQueue: props.functionFailures,
    });
    props.store.bindReadWrite(this.apiFunction);
    props.intake.bindObjects(this.apiFunction, { read: ['reports'], write: ['uploads'] });
    props.notifications.bindSender(this.apiFunction);
    this.bindUserAdmin(this.apiFunction);
    this.apiFunction.addEnvironment('ROUND_FINALIZATION_ARN', props.roundFinalization.stateMachineArn);
    this.apiFunction.addEnvironment('AUTH_ISSUER', this.authConfig.issuer);
    this.apiFunction.addEnvironment('AUTH_CLIENT_ID', this.client.userPoolClientId);
    this.apiFunction.addEnvironment('AUTH_DOMAIN_URL', this.signInUrl);
    allow(roleOf(this.apiFunction), { actions: ['states:StartExecution'], resources: [props.roundFinalization.stateMachineArn] });

    this.decideFunction = new CasebookFunction(this, 'DecideFunction', {
      name: 'decide',
      description: 'Records a decision on an approval step, then sends the task result to the workflow',
      memorySize: 512,
      timeout: Duration.seconds(15),
      failureQueue: props.functionFailures,
    });
    props.store.bindReadWrite(this.decideFunction);
    // Task tokens of service integrations cannot be scoped by IAM (the action's only resource type
    // is an activity), so the statement sits in its own policy with its own acknowledgement.
    const sendTaskResults = new Policy(this, 'DecideSendTaskResults', {
      statements: [new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] })],
    });
    sendTaskResults.attachToRole(roleOf(this.decideFunction));
    Validations.of(sendTaskResults).acknowledge({
      id: wildcardFinding(sendTaskResults, '*'),
      reason:
        'SendTaskSuccess/Failure for callback tokens accept no resource scope; only decide holds them, after a conditional write of the decision.',
    });

    const authorizer = new HttpUserPoolAuthorizer('Cognito', this.userPool, { userPoolClients: [this.client] });
    const integrations = {
      api: new HttpLambdaIntegration('ApiIntegration', this.apiFunction),
      decide: new HttpLambdaIntegration('DecideIntegration', this.decideFunction),
    };
    const publicRoutes: { key: string; route: Construct }[] = [];
    for (const route of ROUTES) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.fn],
        authorizer: route.auth === 'jwt' ? (authorizer as IHttpRouteAuthorizer) : new HttpNoneAuthorizer(),
      });
      if (route.auth === 'public' && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${routeId(route)} is public by design: ${route.summary}.`,
        });
        // only writes need a budget of their own; public reads share the stage's
        if (route.method !== 'GET') publicRoutes.push({ key: routeId(route), route: created });
      }
    }
    // HttpStage has no route settings of its own: set them on the CloudFormation stage, after
    // the routes exist (a route setting for a route key not yet created fails the deployment).
    const cfnStage = stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      publicRoutes.map(({ key }) => [
        key,
        { ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit },
      ]),
    );
    for (const { route } of publicRoutes) cfnStage.node.addDependency(route);
  }

  /** Lets `fn` manage the accounts: USER_POOL_ID and exactly USER_ADMIN_ACTIONS on this pool. */
  bindUserAdmin(fn: Bindable): void {
    fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    allow(roleOf(fn), { actions: USER_ADMIN_ACTIONS, resources: [this.userPool.userPoolArn] });
  }

  /** The API's base URL (the `$default` stage). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** Cognito's API endpoint in this region (the issuer's host: discovery and keys). */
  get cognitoEndpoint(): string {
    return `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }
}
