import { Aws, CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api';
import { CaseStore } from './case-store';
import { accessLogBucket, DossierIntake } from './dossier-intake';
import { Notifications } from './notifications';
import { Observability } from './observability';
import { Publication } from './publication';
import { ReviewWorkflow } from './review-workflow';

export interface CasebookParameters {
  /** Custom domain of the public site (with `certificateArn`). */
  readonly siteDomain?: string;
  /** ACM certificate for `siteDomain`, in us-east-1 (a CloudFront requirement). */
  readonly certificateArn?: string;
  /** From address of notification email (SES); without it, notifications stay in the outbox. */
  readonly senderEmail?: string;
  /** Who is emailed when an alarm fires. */
  readonly alarmEmail?: string;
  /**
   * Prefix of the sign-in domain `<prefix>.auth.<region>.amazoncognito.com`; unique in the region.
   * Default `casebook-<account id>` (give another for a second stack in the same account and region).
   */
  readonly authDomainPrefix?: string;
}

/**
 * The whole casebook deployment. Environment-agnostic (no lookups), so it synthesizes with no
 * credentials; each concern is one construct, wired here through their bind helpers.
 */
export class CasebookStack extends Stack {
  readonly store: CaseStore;
  readonly intake: DossierIntake;
  readonly workflow: ReviewWorkflow;
  readonly api: Api;
  readonly publication: Publication;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, params: CasebookParameters = {}, props: StackProps = {}) {
    super(scope, id, {
      description: "casebook: annual selection rounds of people's congress innovation cases",
      ...props,
    });
    this.observability = new Observability(this, 'Observability', { alarmEmail: params.alarmEmail });
    const functionFailures = this.observability.functionFailures;
    const accessLogs = accessLogBucket(this, 'AccessLogs');

    // The site's origin is known only once Publication exists, and Publication needs the API's
    // endpoint for its CSP; a lazy value breaks the construction-order knot (not a template cycle).
    let siteOrigin: string | undefined;
    const consoleOrigins = Lazy.list({ produce: () => [siteOrigin ?? 'https://localhost'] });
    const lazySiteUrl = Lazy.string({ produce: () => siteOrigin ?? 'https://localhost' });

    this.store = new CaseStore(this, 'CaseStore');
    const notifications = new Notifications(this, 'Notifications', { senderEmail: params.senderEmail });
    this.intake = new DossierIntake(this, 'DossierIntake', { accessLogs, uploadOrigins: consoleOrigins });
    this.workflow = new ReviewWorkflow(this, 'ReviewWorkflow', {
      store: this.store,
      intake: this.intake,
      notifications,
      functionFailures,
    });
    this.api = new Api(this, 'Api', {
      store: this.store,
      intake: this.intake,
      notifications,
      roundFinalization: this.workflow.roundFinalization,
      functionFailures,
      allowedOrigins: consoleOrigins,
      siteUrl: lazySiteUrl,
      authDomainPrefix: params.authDomainPrefix ?? `casebook-${Aws.ACCOUNT_ID}`,
    });
    const apiSource = params.siteDomain ? this.api.url : `https://*.execute-api.${this.region}.${this.urlSuffix}`;
    this.publication = new Publication(this, 'Publication', {
      store: this.store,
      functionFailures,
      accessLogs,
      // With a custom domain the API can be named exactly; without one, CORS must name the
      // CloudFront domain, which would make the API and the distribution depend on each other,
      // so the CSP allows this region's execute-api hosts instead.
      // The console PUTs dossiers straight to the bucket through presigned (virtual-hosted) URLs.
      // Naming the bucket's own domain would close a cycle (the bucket's CORS names the site), so
      // the CSP allows this region's S3 hosts; the presigned signature still limits the target.
      // The console exchanges and refreshes sign-in codes at managed login's token endpoint.
      connectSources: [apiSource, this.api.signInUrl, `https://*.s3.${this.region}.${this.urlSuffix}`],
      formActions: [apiSource],
      apiUrl: this.api.url,
      auth: this.api.authConfig,
      siteDomain: params.siteDomain,
      certificateArn: params.certificateArn,
    });
    siteOrigin = this.publication.siteUrl;

    for (const fn of [...this.workflow.notifyingFunctions, this.api.apiFunction]) {
      this.publication.bindSiteUrl(fn);
    }
    const router = this.intake.routeUploadsTo(this.workflow.dossierReview, functionFailures);

    const functions = [
      router,
      ...this.workflow.functions.values(),
      this.workflow.overdueReminder,
      this.api.apiFunction,
      this.api.decideFunction,
      this.publication.publisher,
    ];
    for (const fn of functions) this.observability.watchFunction(fn.casebookName, fn);
    this.observability.watchStateMachine('DossierReview', this.workflow.dossierReview);
    this.observability.watchStateMachine('RoundFinalization', this.workflow.roundFinalization);
    this.observability.watchQueue('UndeliveredUploadEvents', this.intake.eventFailures);
    this.observability.watchQueue('PublishFailures', this.publication.streamFailures);

    new CfnOutput(this, 'SiteUrl', { value: this.publication.siteUrl });
    new CfnOutput(this, 'ConsoleUrl', { value: this.publication.consoleUrl });
    new CfnOutput(this, 'DistributionDomain', { value: this.publication.distribution.distributionDomainName });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.client.userPoolClientId });
    new CfnOutput(this, 'SignInDomain', {
      value: this.api.signInUrl,
      description: 'Cognito managed login (hosted UI) of the user pool domain',
    });
    new CfnOutput(this, 'AuthIssuer', { value: this.api.authConfig.issuer, description: 'Issuer (iss) of the tokens the API accepts' });
    new CfnOutput(this, 'AuthConfigUrl', {
      value: `${this.api.url}/auth/config`,
      description: 'What the console and `casebook login` read to sign in',
    });
    new CfnOutput(this, 'DossierBucket', { value: this.intake.bucket.bucketName });
    new CfnOutput(this, 'SiteBucket', { value: this.publication.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
    new CfnOutput(this, 'AlarmTopic', { value: this.observability.alarmTopic.topicArn });
  }
}
