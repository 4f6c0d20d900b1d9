import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, CfnFunction, Runtime, RuntimeFamily, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { allow, wildcardFinding } from './iam';
import { FUNCTION_NAME_METADATA, PROJECT_ROOT } from './project';

export { FUNCTION_NAME_METADATA, PROJECT_ROOT };

/**
 * Node.js 24 on Lambda. Older aws-cdk-lib releases lack the constant, so fall back to naming the
 * runtime; the string is what CloudFormation receives either way.
 */
export const NODE_RUNTIME: Runtime =
  (Runtime as unknown as Record<string, Runtime | undefined>)['NODEJS_24_X'] ??
  new Runtime('nodejs24.x', RuntimeFamily.NODEJS, { supportsInlineCode: true });

/**
 * ESM bundles still meet CommonJS dependencies (mammoth, yauzl, iconv-lite) that call `require`;
 * esbuild leaves those calls in place, so the bundle must provide a real `require`.
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The esbuild arguments (after `--bundle ENTRY`) that build a function's bundle into `outputDir`:
 * a minified ESM entry `index.mjs` plus on-demand chunks under `chunks/`, with source maps.
 * Exported so the benchmarks build their reference bundles exactly the same way.
 *
 * Why code splitting: with one output file, everything reachable only through `import()` (the S3
 * and SES adapters of the workflow deps, the SDK's credential providers past the environment, the
 * .docx/zip readers, OpenCC's dictionaries) is still in `index.mjs`, so Node compiles all of it at
 * every cold start, and esbuild hoists the Node builtins those lazy parts import (http, http2,
 * child_process…) to the top of the file, so they load too. With `--splitting`, each `import()`
 * target is its own chunk, read and compiled only when a call first needs it; what every
 * invocation uses stays in `index.mjs` and its static chunks and is evaluated at init as before.
 */
export function esbuildArgs(outputDir: string): string[] {
  return [
    '--platform=node',
    '--format=esm',
    '--target=node24',
    '--minify',
    '--sourcemap',
    '--sources-content=false',
    '--main-fields=module,main',
    // OpenCC's dictionaries are Chinese string literals: escaped as \uXXXX (esbuild's ASCII
    // default) they take 6 bytes a character instead of 3.
    '--charset=utf8',
    '--splitting',
    `--outdir=${outputDir}`,
    '--entry-names=index',
    '--chunk-names=chunks/[name]-[hash]',
    '--out-extension:.js=.mjs',
    `--banner:js=${ESM_REQUIRE_BANNER}`,
    '--log-level=warning',
  ];
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * NodejsFunction's own esbuild step always writes a single `--outfile`, and esbuild splits only
 * into an `--outdir`, so this hook runs esbuild again with `esbuildArgs` and replaces that output.
 */
function splittingBuild(inputDir: string, outputDir: string, entry: string): string[] {
  const esbuild = join(inputDir, 'node_modules', '.bin', 'esbuild');
  return [
    `rm -f ${shellQuote(join(outputDir, 'index.mjs'))} ${shellQuote(join(outputDir, 'index.mjs.map'))}`,
    [esbuild, '--bundle', entry, ...esbuildArgs(outputDir)].map(shellQuote).join(' '),
  ];
}

export interface CasebookFunctionProps {
  /** The folder name under `lambdas/` — also the name other parts use for this function. */
  readonly name: string;
  readonly description: string;
  /** Explicit on purpose: every function states what it needs (no Lambda default of 128 MB). */
  readonly memorySize: number;
  /** Explicit on purpose: the Lambda default of 3 s is wrong for every function here. */
  readonly timeout: Duration;
  /** Async invocations that still fail after Lambda's retries land here (and in the DLQ slot). */
  readonly failureQueue: IQueue;
  readonly environment?: Record<string, string>;
  readonly logRetention?: RetentionDays;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The house Lambda function: one place for the defaults every casebook function shares.
 *
 * - runtime `nodejs24.x` on arm64 (Graviton: cheaper per ms, and our code has no native modules);
 * - bundled by the locally installed esbuild (never Docker) from `lambdas/<name>/handler.ts` into
 *   a minified ESM entry `index.mjs` plus the chunks its `import()`s load on demand (`chunks/`),
 *   with source maps, targeting node24 (see `splittingBuild`);
 * - the AWS SDK v3 is BUNDLED, not taken from the runtime: the deployed code then runs exactly the
 *   SDK versions pinned in package-lock.json that the tests and the local cloud run, and a runtime
 *   SDK upgrade cannot change behaviour under us. The cost (a larger zip) is small after
 *   minification and tree-shaking of the modular v3 clients;
 * - its own log group with a retention period, X-Ray active tracing;
 * - async invocations: two retries, then the failure queue (also set as the dead-letter queue);
 * - metadata `casebook:function` = `name`, so tools reading the template (the local cloud) can map
 *   a logical id back to the bundle and handler folder. Asset metadata (`aws:asset:path`) must stay
 *   enabled for the same reason.
 */
export class CasebookFunction extends NodejsFunction {
  readonly casebookName: string;

  constructor(scope: Construct, id: string, props: CasebookFunctionProps) {
    const entry = join(PROJECT_ROOT, 'lambdas', props.name, 'handler.ts');
    if (!existsSync(entry)) {
      throw new Error(`CasebookFunction ${props.name}: missing entry ${entry}`);
    }
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log
    // group only, not create log groups anywhere.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `casebook function ${props.name}`,
    });
    allow(role, {
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
      wildcardReason: "The ARN of this function's own log group ends in :* to cover its log streams.",
    });
    super(scope, id, {
      entry,
      role,
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: 2,
      onFailure: new SqsDestination(props.failureQueue),
      deadLetterQueue: props.failureQueue,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'casebook',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // OpenCC's dictionaries are Chinese string literals: escaped as \uXXXX (esbuild's ASCII
        // default) they take 6 bytes a character instead of 3, a third of the parser's bundle.
        // Passed as a raw flag: this aws-cdk-lib declares `charset` but never hands it to esbuild.
        esbuildArgs: { '--charset': 'utf8' },
        banner: ESM_REQUIRE_BANNER,
        externalModules: [],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => splittingBuild(inputDir, outputDir, join(inputDir, 'lambdas', props.name, 'handler.ts')),
        },
      },
    });
    this.casebookName = props.name;
    (this.node.defaultChild as CfnFunction).addMetadata(FUNCTION_NAME_METADATA, props.name);
    Validations.of(role).acknowledge({
      id: wildcardFinding(role, '*'),
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (added by tracing) support no resource-level permissions.',
    });
  }
}
