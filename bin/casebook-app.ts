/**
 * The CDK app: `npm run synth` (or `npx cdk synth`/`deploy`, which run this through cdk.json).
 * Synthesizes the environment-agnostic `Casebook` stack into cdk.out/ with no credentials and no
 * network: no lookups, no Docker (the local esbuild bundles), cdk-nag runs as a validation plugin
 * and fails synthesis on any unacknowledged finding.
 *
 * Parameters come from CDK context (`-c siteDomain=…`) or, for `npm run synth`, from environment
 * variables: siteDomain / CASEBOOK_SITE_DOMAIN, certificateArn / CASEBOOK_CERTIFICATE_ARN,
 * senderEmail / CASEBOOK_SENDER_EMAIL, alarmEmail / CASEBOOK_ALARM_EMAIL, authDomainPrefix /
 * CASEBOOK_AUTH_DOMAIN_PREFIX.
 */
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PROJECT_ROOT } from '../lib/casebook-function';
import { CasebookStack, type CasebookParameters } from '../lib/casebook-stack';

process.env.CDK_DISABLE_VERSION_CHECK ??= '1';

/**
 * Feature flags live here rather than in cdk.json so that `npm run synth`, `cdk synth` and the
 * tests (which build the app in process) all synthesize the same template.
 */
export const FEATURE_FLAGS = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/aws-events:requireEventBusPolicySid': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:checkSecretUsage': true,
} as const;

export function createApp(context: Record<string, unknown> = {}, outdir?: string): { app: App; stack: CasebookStack } {
  const app = new App({
    // The CLI sets CDK_OUTDIR; run directly (`npm run synth`), write where the CLI would. Tests
    // pass their own directory: parallel syntheses into one cdk.out would read each other's files.
    outdir: outdir ?? process.env.CDK_OUTDIR ?? join(PROJECT_ROOT, 'cdk.out'),
    context: {
      // The local cloud finds each function's bundle through `aws:asset:path`.
      'aws:cdk:enable-asset-metadata': true,
      ...FEATURE_FLAGS,
      ...context,
    },
  });
  const parameter = (key: keyof CasebookParameters, variable: string): string | undefined => {
    const value = app.node.tryGetContext(key) ?? process.env[variable];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const stack = new CasebookStack(app, 'Casebook', {
    siteDomain: parameter('siteDomain', 'CASEBOOK_SITE_DOMAIN'),
    certificateArn: parameter('certificateArn', 'CASEBOOK_CERTIFICATE_ARN'),
    senderEmail: parameter('senderEmail', 'CASEBOOK_SENDER_EMAIL'),
    alarmEmail: parameter('alarmEmail', 'CASEBOOK_ALARM_EMAIL'),
    authDomainPrefix: parameter('authDomainPrefix', 'CASEBOOK_AUTH_DOMAIN_PREFIX'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('casebook-app.ts')) {
  const { app } = createApp();
  app.synth();
}
