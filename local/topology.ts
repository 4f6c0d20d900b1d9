/**
 * The local cloud's topology, read from the synthesized CloudFormation template (cdk.out) so that
 * the stack is described once: buckets, the table with its keys, indexes, stream and TTL, the
 * functions with their bundles and environment, the state machines with their substitutions,
 * EventBridge rules, stream event-source mappings and HTTP API routes.
 *
 * Every reference is resolved against local names; one that points nowhere (or at a resource of
 * the wrong kind) throws, so a wiring mistake in the stack fails here too.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableSpec } from './dynamodb';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const PROJECT_ROOT = resolve(new URL('..', import.meta.url).pathname);
export const STACK_TEMPLATE = 'Casebook.template.json';
/** Stand for the distribution's domain and the API's endpoint until the local servers have ports (see `withLocalOrigins`). */
/** The local user pool's issuer (= LOCAL_ISSUER of local/issuer.ts, repeated so the topology stays free of jose). */
export const LOCAL_USER_POOL_ISSUER = 'https://cognito-idp.local.casebook/local_casebook';

export const SITE_HOST_PLACEHOLDER = '__casebook_local_site__';
export const API_HOST_PLACEHOLDER = '__casebook_local_api__';

/** Replaces the distribution's and the API's domains (as https://host or bare host) with the local servers' origins. */
export function withLocalOrigins<T>(value: T, origins: { site: string; api: string }): T {
  let text = JSON.stringify(value);
  for (const [placeholder, origin] of [
    [SITE_HOST_PLACEHOLDER, origins.site],
    [API_HOST_PLACEHOLDER, origins.api],
  ] as const) {
    text = text.split(`https://${placeholder}`).join(origin).split(placeholder).join(new URL(origin).host);
  }
  return JSON.parse(text) as T;
}

/** The ARN the local cloud gives a function (the engine hands it back to `invokeLambda`). */
export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:local:${LOCAL_ACCOUNT}:function:${name}`;
}
export function localStateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}
export function functionNameFromArn(arn: string): string {
  // Also accepts a bare name and a qualified ARN (`…:function:name:alias`).
  const match = /:function:([^:]+)/.exec(arn);
  return match ? match[1]! : arn;
}

type Json = unknown;
interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export interface BucketSpec {
  logicalId: string;
  name: string;
  versioned: boolean;
  cors: boolean;
  /** Bucket events go to EventBridge (the S3 notification setting CDK's `eventBridgeEnabled` writes). */
  eventBridge: boolean;
}
export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the bundle module. */
  bundle: string;
  exportName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}
export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** The ASL document with substitutions applied. */
  definition: Record<string, unknown>;
}
export type Target = { kind: 'function'; name: string } | { kind: 'stateMachine'; arn: string };
export interface RuleSpec {
  logicalId: string;
  pattern: Record<string, unknown>;
  targets: Target[];
}
/** A scheduled rule (`ScheduleExpression`). Only `rate(...)` is supported locally; `cron(...)` fails the topology. */
export interface ScheduleSpec {
  logicalId: string;
  expression: string;
  /** The rule's period as deployed. */
  rateMs: number;
  targets: Target[];
}
export interface StreamMappingSpec {
  logicalId: string;
  tableName: string;
  functionName: string;
  batchSize: number;
  filters: Record<string, unknown>[];
  bisectOnError: boolean;
  /** -1 = until the record expires (AWS default); locally we cap it. */
  maxRetries: number;
  reportBatchItemFailures: boolean;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  onFailure: boolean;
}
export interface RouteSpecLocal {
  method: string;
  path: string;
  functionName: string;
  auth: 'jwt' | 'none';
  /** The stage's throttle for this route: its route settings, else the stage's default route settings. */
  throttle?: { rateLimit: number; burstLimit: number };
}
export interface SiteHeaders {
  [header: string]: string;
}
export interface Topology {
  templatePath: string;
  buckets: BucketSpec[];
  tables: TableSpec[];
  functions: FunctionSpec[];
  stateMachines: StateMachineSpec[];
  rules: RuleSpec[];
  schedules: ScheduleSpec[];
  streamMappings: StreamMappingSpec[];
  routes: RouteSpecLocal[];
  /** Response headers the CloudFront distribution adds (CSP, HSTS, …). */
  siteHeaders: SiteHeaders;
  siteIndexDocument: string;
  /** CORS of the HTTP API, when the stack configures it. */
  apiCors?: {
    allowOrigins: string[];
    allowMethods: string[];
    allowHeaders: string[];
    exposeHeaders: string[];
    maxAge?: number;
    allowCredentials?: boolean;
  };
  /** The union of the functions' environments, resolved to local values. */
  environment: Record<string, string>;
}

/** Variables that configure the runtime rather than our code; they never enter the shared process env. */
const RUNTIME_ONLY_VARIABLES = new Set(['NODE_OPTIONS', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);

export class TopologyError extends Error {
  constructor(message: string) {
    super(`template wiring: ${message}`);
    this.name = 'TopologyError';
  }
}

/** Strips CDK's 8-hex hash suffix and lower-kebabs a logical id: `DossierBucketA1B2C3D4` → `dossier-bucket`. */
export function localNameFor(logicalId: string): string {
  const base = logicalId.replace(/[0-9A-F]{8}$/, '');
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9-]/g, '-')
    .toLowerCase()
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Where the local cloud synthesizes when cdk.out is stale or unusable (its own dir: no race with
 * `npm run synth`). CASEBOOK_SYNTH_DIR names another one and makes the local cloud use only it,
 * never cdk.out: a clean start without touching the project's assemblies (the e2e tests). It must
 * lie inside the project, where the bundles find the npm packages they leave external.
 */
export function localAssemblyDir(root = PROJECT_ROOT): string {
  if (process.env.CASEBOOK_SYNTH_DIR) return resolve(process.env.CASEBOOK_SYNTH_DIR);
  return join(root, 'node_modules', '.cache', 'casebook-local', 'cdk.out');
}

function usableTemplate(template: string, newestSource: number): boolean {
  if (!existsSync(template) || statSync(template).mtimeMs < newestSource) return false;
  try {
    loadTopology(template); // every function's bundle is there
    return true;
  } catch {
    return false;
  }
}

/**
 * A synthesis that prints nothing and writes nothing for this long is taken to be stuck. The
 * measure is progress, not duration: on a busy machine a healthy synthesis takes minutes (five on
 * two loaded cores), but it prints a line and writes a bundle every few seconds.
 */
export const SYNTH_STALL_MS = 600_000;

/**
 * The template path: cdk.out when it is newer than the sources that go into it (the stack, the
 * handlers and what they bundle, the state machines) and complete; otherwise a synthesis into the
 * local cloud's own assembly dir, one process at a time.
 */
export async function ensureSynthesized(
  options: { projectRoot?: string; log?: (line: string) => void; stallMs?: number } = {},
): Promise<string> {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const stallMs = options.stallMs ?? SYNTH_STALL_MS;
  const sources = ['bin', 'lib', 'lambdas', 'src', 'statemachines', 'package-lock.json'].map((p) => join(root, p));
  const newestSource = () =>
    Math.max(...sources.map((p) => (existsSync(p) && statSync(p).isFile() ? statSync(p).mtimeMs : newestMtime(p))));
  const projectTemplate = join(root, 'cdk.out', STACK_TEMPLATE);
  if (!process.env.CASEBOOK_SYNTH_DIR && usableTemplate(projectTemplate, newestSource())) return projectTemplate;
  const outDir = localAssemblyDir(root);
  const template = join(outDir, STACK_TEMPLATE);
  if (usableTemplate(template, newestSource())) return template;
  if (!existsSync(join(root, 'bin', 'casebook-app.ts'))) {
    throw new TopologyError(`no usable ${projectTemplate} and no bin/casebook-app.ts to synthesize it from`);
  }
  mkdirSync(dirname(outDir), { recursive: true });
  const lock = `${outDir}.lock`;
  const release = await takeSynthLock(lock, outDir, stallMs, options.log);
  try {
    const sourcesAtStart = newestSource();
    if (usableTemplate(template, sourcesAtStart)) return template; // another process synthesized meanwhile
    options.log?.('synthesizing the stack (cdk.out is missing, incomplete or older than the sources)…');
    await runSynth(root, outDir, stallMs);
    if (!existsSync(template)) throw new TopologyError(`synth ran but wrote no ${template}`);
    return template;
  } finally {
    release();
  }
}

/** The newest modification time under `dir`, tolerating files that vanish while it looks. */
function lastWriteUnder(dir: string): number {
  try {
    return newestMtime(dir);
  } catch {
    return Date.now(); // something was removed or renamed just now: that is activity too
  }
}

/** Runs `bin/casebook-app.ts` into `outDir`; stops it only when it stops making progress. */
function runSynth(root: string, outDir: string, stallMs: number): Promise<void> {
  return new Promise((resolveSynth, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/casebook-app.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK_OUTDIR: outDir },
      detached: true, // its own process group: a stuck synth is stopped with its esbuild children
    });
    let output = '';
    let lastProgress = Date.now();
    let lastWrite = lastWriteUnder(outDir);
    const onOutput = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      lastProgress = Date.now();
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    let stalled = false;
    const watchdog = setInterval(
      () => {
        const written = lastWriteUnder(outDir);
        if (written !== lastWrite) [lastWrite, lastProgress] = [written, Date.now()];
        if (Date.now() - lastProgress <= stallMs) return;
        stalled = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      },
      Math.min(5_000, stallMs / 4),
    );
    const ended = (failure?: string) => {
      clearInterval(watchdog);
      if (!failure) resolveSynth();
      else reject(new TopologyError(`${failure} after ${Math.round((Date.now() - started) / 1000)} s:\n${output.trim()}`));
    };
    child.once('error', (err) => ended(`synth could not start (${err.message})`));
    child.once('close', (code, signal) => {
      if (stalled) ended(`synth stopped: it printed nothing and wrote nothing in ${outDir} for ${Math.round(stallMs / 1000)} s`);
      else if (code !== 0) ended(`synth failed (${signal ? `killed by ${signal}` : `exit ${code}`})`);
      else ended();
    });
  });
}

/**
 * A lock file with the holder's pid; a holder that died leaves a lock that the next caller takes
 * over. A live holder is waited for while its synthesis writes into `outDir`.
 */
async function takeSynthLock(file: string, outDir: string, stallMs: number, log?: (line: string) => void): Promise<() => void> {
  let lastWrite = lastWriteUnder(outDir);
  let lastProgress = Date.now();
  let said = false;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(file, 'utf8'));
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive || !holder) {
      rmSync(file, { force: true });
      continue;
    }
    if (!said) log?.(`waiting for the synthesis that process ${holder} is running…`);
    said = true;
    const written = lastWriteUnder(outDir);
    if (written !== lastWrite) [lastWrite, lastProgress] = [written, Date.now()];
    // the holder's own watchdog stops it after stallMs without progress; this waits a little longer
    if (Date.now() - lastProgress > stallMs * 1.5) {
      throw new TopologyError(
        `the synthesis of process ${holder} wrote nothing in ${outDir} for ${Math.round((Date.now() - lastProgress) / 1000)} s (remove ${file} if that process is not synthesizing)`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function loadTopology(templatePath: string): Topology {
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
  return buildTopology(template, resolve(templatePath, '..'), templatePath);
}

export function buildTopology(template: CfnTemplate, assemblyDir: string, templatePath = '(inline)'): Topology {
  const resources = template.Resources ?? {};
  const byType = (...types: string[]) => Object.entries(resources).filter(([, r]) => types.includes(r.Type));
  const resource = (logicalId: string, context: string): CfnResource => {
    const r = resources[logicalId];
    if (!r) throw new TopologyError(`${context} refers to ${logicalId}, which is not in the template`);
    return r;
  };

  // Local names first: every reference resolves to one of these.
  const names = new Map<string, string>();
  const nameOf = (logicalId: string, explicit: Json): string => {
    const name = typeof explicit === 'string' ? explicit : localNameFor(logicalId);
    names.set(logicalId, name);
    return name;
  };
  for (const [id, r] of byType('AWS::S3::Bucket')) nameOf(id, r.Properties?.BucketName);
  for (const [id, r] of byType('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable')) nameOf(id, r.Properties?.TableName);
  // CDK's custom-resource handlers (the console's bucket deployment) act only while CloudFormation
  // deploys; the local cloud deploys nothing, so they are not local functions.
  const serviceTokens = new Set(
    Object.values(resources)
      .filter((r) => r.Type.startsWith('Custom::'))
      .map((r) => JSON.stringify(r.Properties?.ServiceToken ?? null)),
  );
  const isCustomResourceHandler = (id: string, r: CfnResource): boolean =>
    typeof r.Metadata?.['casebook:function'] !== 'string' && serviceTokens.has(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
  const lambdaFunctions = byType('AWS::Lambda::Function').filter(([id, r]) => !isCustomResourceHandler(id, r));
  for (const [id, r] of lambdaFunctions) {
    const name = r.Metadata?.['casebook:function'];
    if (typeof name !== 'string') throw new TopologyError(`function ${id} has no casebook:function metadata`);
    names.set(id, name);
  }
  for (const [id, r] of byType('AWS::StepFunctions::StateMachine')) nameOf(id, r.Properties?.StateMachineName);

  const arnOf = (logicalId: string, context: string): string => {
    const r = resource(logicalId, context);
    const name = names.get(logicalId);
    switch (r.Type) {
      case 'AWS::Lambda::Function':
        return localFunctionArn(name!);
      case 'AWS::StepFunctions::StateMachine':
        return localStateMachineArn(name!);
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${name}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
      default:
        return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${r.Type}/${logicalId}`;
    }
  };

  /** Resolves the intrinsics the stack uses in environments, substitutions and patterns. */
  const resolveValue = (value: Json, context: string): Json => {
    if (Array.isArray(value)) return value.map((v) => resolveValue(v, context));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, Json>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = obj[key];
      switch (key) {
        case 'Ref': {
          const id = arg as string;
          if (id === 'AWS::Region') return LOCAL_REGION;
          if (id === 'AWS::AccountId') return LOCAL_ACCOUNT;
          if (id === 'AWS::Partition') return 'aws';
          if (id === 'AWS::URLSuffix') return 'amazonaws.com';
          if (id === 'AWS::StackName') return 'Casebook';
          if (id === 'AWS::NoValue') return undefined;
          const r = resource(id, context);
          if (r.Type === 'AWS::StepFunctions::StateMachine') return arnOf(id, context);
          // No CDN locally: an empty distribution id tells the publisher there is nothing to invalidate.
          if (r.Type === 'AWS::CloudFront::Distribution') return '';
          // No Cognito locally: an empty pool id tells the API to use the local cloud's own directory.
          if (r.Type === 'AWS::Cognito::UserPool') return '';
          if (names.has(id)) return names.get(id);
          return `local-${id}`;
        }
        case 'Fn::GetAtt': {
          const [id, attr] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
          const r = resource(id, context);
          if (attr === 'Arn') return arnOf(id, context);
          if (attr === 'StreamArn') return `${arnOf(id, context)}/stream/local`;
          if (attr === 'DomainName' && r.Type === 'AWS::CloudFront::Distribution') return SITE_HOST_PLACEHOLDER;
          if (attr === 'ApiEndpoint' && r.Type === 'AWS::ApiGatewayV2::Api') return `https://${API_HOST_PLACEHOLDER}`;
          if (attr === 'RegionalDomainName' || attr === 'DomainName') return `${names.get(id)}.local`;
          if (attr === 'Name') return names.get(id) ?? id;
          // The user pool's issuer: the local provider's stable one (local/issuer.ts).
          if (attr === 'ProviderURL' && r.Type === 'AWS::Cognito::UserPool') return LOCAL_USER_POOL_ISSUER;
          throw new TopologyError(`${context}: Fn::GetAtt ${id}.${attr} has no local meaning`);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, Json[]];
          return (parts.map((p) => resolveValue(p, context)) as Json[]).map(String).join(sep);
        }
        case 'Fn::Sub': {
          const [text, vars] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, Json>];
          return text.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
            if (ref in vars) return String(resolveValue(vars[ref], context));
            if (ref.includes('.')) return String(resolveValue({ 'Fn::GetAtt': ref.split('.') }, context));
            return String(resolveValue({ Ref: ref }, context));
          });
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, Json];
          const resolved = resolveValue(list, context) as Json[];
          return resolved[Number(index)];
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, Json];
          return String(resolveValue(text, context)).split(sep);
        }
        default:
          if (key.startsWith('Fn::')) throw new TopologyError(`${context}: intrinsic ${key} is not supported locally`);
      }
    }
    return Object.fromEntries(keys.map((k) => [k, resolveValue(obj[k], context)]));
  };
  const asString = (value: Json, context: string): string => {
    const resolved = resolveValue(value, context);
    if (typeof resolved !== 'string') throw new TopologyError(`${context}: expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  };
  /** The logical id a `Ref`/`GetAtt`/ARN-join points at (for targets and integrations). */
  const referencedId = (value: Json): string | undefined => {
    if (value && typeof value === 'object') {
      const obj = value as Record<string, Json>;
      if (typeof obj.Ref === 'string') return obj.Ref;
      if (obj['Fn::GetAtt']) {
        const arg = obj['Fn::GetAtt'];
        return (typeof arg === 'string' ? arg.split('.')[0] : (arg as string[])[0]) as string;
      }
      if (obj['Fn::Join']) {
        for (const part of (obj['Fn::Join'] as [string, Json[]])[1]) {
          const id = referencedId(part);
          if (id) return id;
        }
      }
    }
    return undefined;
  };

  const eventBridgeBuckets = new Set<string>();
  for (const [id, r] of byType('Custom::S3BucketNotifications')) {
    const config = r.Properties?.NotificationConfiguration as { EventBridgeConfiguration?: unknown } | undefined;
    const bucketId = referencedId(r.Properties?.BucketName);
    if (config?.EventBridgeConfiguration !== undefined) {
      if (!bucketId) throw new TopologyError(`bucket notifications ${id} do not name a bucket of this stack`);
      eventBridgeBuckets.add(bucketId);
    }
  }
  const buckets: BucketSpec[] = byType('AWS::S3::Bucket').map(([id, r]) => {
    const notifications = r.Properties?.NotificationConfiguration as
      { EventBridgeConfiguration?: { EventBridgeEnabled?: boolean } } | undefined;
    return {
      logicalId: id,
      name: names.get(id)!,
      versioned: (r.Properties?.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
      cors: r.Properties?.CorsConfiguration !== undefined,
      eventBridge: eventBridgeBuckets.has(id) || notifications?.EventBridgeConfiguration?.EventBridgeEnabled === true,
    };
  });

  const tables: TableSpec[] = byType('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(([id, r]) => {
    const p = r.Properties ?? {};
    const gsis = (p.GlobalSecondaryIndexes as Record<string, Json>[] | undefined)?.map((g) => ({
      IndexName: g.IndexName as string,
      KeySchema: g.KeySchema as never,
      Projection: (g.Projection ?? { ProjectionType: 'ALL' }) as never,
    }));
    const lsis = (p.LocalSecondaryIndexes as Record<string, Json>[] | undefined)?.map((g) => ({
      IndexName: g.IndexName as string,
      KeySchema: g.KeySchema as never,
      Projection: (g.Projection ?? { ProjectionType: 'ALL' }) as never,
    }));
    const stream = p.StreamSpecification as { StreamViewType?: string } | undefined;
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    const create: CreateTableCommandInput = {
      TableName: names.get(id)!,
      KeySchema: p.KeySchema as never,
      AttributeDefinitions: p.AttributeDefinitions as never,
      BillingMode: 'PAY_PER_REQUEST',
      ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
      ...(stream?.StreamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as never } } : {}),
    };
    return { logicalId: id, create, ...(ttl?.Enabled !== false && ttl?.AttributeName ? { ttlAttribute: ttl.AttributeName } : {}) };
  });

  const functions: FunctionSpec[] = lambdaFunctions.map(([id, r]) => {
    const name = names.get(id)!;
    const context = `function ${name} (${id})`;
    const assetPath = r.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new TopologyError(`${context} has no aws:asset:path metadata (asset metadata disabled?)`);
    const handler = String(r.Properties?.Handler ?? 'index.handler');
    const dot = handler.lastIndexOf('.');
    const moduleBase = handler.slice(0, dot);
    const exportName = handler.slice(dot + 1);
    const dir = resolve(assemblyDir, assetPath);
    const bundle = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, moduleBase + ext)).find((p) => existsSync(p));
    if (!bundle) throw new TopologyError(`${context}: no bundle ${moduleBase}.mjs in ${dir} (synth with bundling?)`);
    const vars = ((r.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) environment[k] = asString(v, `${context} env ${k}`);
    return {
      logicalId: id,
      name,
      arn: localFunctionArn(name),
      bundle,
      exportName,
      environment,
      timeoutSeconds: Number(r.Properties?.Timeout ?? 3),
      memoryMb: Number(r.Properties?.MemorySize ?? 128),
    };
  });

  const stateMachines: StateMachineSpec[] = byType('AWS::StepFunctions::StateMachine').map(([id, r]) => {
    const name = names.get(id)!;
    const context = `state machine ${name} (${id})`;
    const p = r.Properties ?? {};
    let text: string;
    if (p.DefinitionString !== undefined) text = asString(p.DefinitionString, context);
    else if (p.Definition !== undefined) text = JSON.stringify(resolveValue(p.Definition, context));
    else throw new TopologyError(`${context} has no definition (DefinitionS3Location is not supported locally)`);
    const substitutions = (p.DefinitionSubstitutions ?? {}) as Record<string, Json>;
    for (const [key, value] of Object.entries(substitutions)) {
      const local = resolveValue(value, `${context} substitution ${key}`);
      text = text.split('${' + key + '}').join(String(local));
    }
    const left = /\$\{([A-Za-z0-9_]+)\}/.exec(text);
    if (left) throw new TopologyError(`${context}: placeholder \${${left[1]}} has no DefinitionSubstitution`);
    return { logicalId: id, name, arn: localStateMachineArn(name), definition: JSON.parse(text) as Record<string, unknown> };
  });

  const targetOf = (arn: Json, context: string): Target => {
    const id = referencedId(arn);
    if (!id) throw new TopologyError(`${context}: target ${JSON.stringify(arn)} is not a resource of this stack`);
    const r = resource(id, context);
    if (r.Type === 'AWS::Lambda::Function') return { kind: 'function', name: names.get(id)! };
    if (r.Type === 'AWS::StepFunctions::StateMachine') return { kind: 'stateMachine', arn: arnOf(id, context) };
    throw new TopologyError(`${context}: target type ${r.Type} is not supported locally`);
  };

  const rules: RuleSpec[] = byType('AWS::Events::Rule')
    .filter(([, r]) => r.Properties?.EventPattern !== undefined && r.Properties?.State !== 'DISABLED')
    .map(([id, r]) => {
      const context = `rule ${id}`;
      const targets = ((r.Properties?.Targets ?? []) as { Arn: Json }[]).map((t) => targetOf(t.Arn, context));
      return { logicalId: id, pattern: resolveValue(r.Properties!.EventPattern, context) as Record<string, unknown>, targets };
    });

  const schedules: ScheduleSpec[] = byType('AWS::Events::Rule')
    .filter(([, r]) => r.Properties?.ScheduleExpression !== undefined && r.Properties?.State !== 'DISABLED')
    .map(([id, r]) => {
      const context = `rule ${id}`;
      const expression = asString(r.Properties!.ScheduleExpression, context);
      const targets = ((r.Properties?.Targets ?? []) as { Arn: Json }[]).map((t) => targetOf(t.Arn, context));
      return { logicalId: id, expression, rateMs: rateMs(expression, context), targets };
    });

  const streamMappings: StreamMappingSpec[] = byType('AWS::Lambda::EventSourceMapping').map(([id, r]) => {
    const p = r.Properties ?? {};
    const context = `event-source mapping ${id}`;
    const sourceId = referencedId(p.EventSourceArn);
    if (!sourceId) throw new TopologyError(`${context}: EventSourceArn is not a table of this stack`);
    const source = resource(sourceId, context);
    if (source.Type !== 'AWS::DynamoDB::Table' && source.Type !== 'AWS::DynamoDB::GlobalTable') {
      throw new TopologyError(`${context}: source ${source.Type} is not supported locally (only DynamoDB streams)`);
    }
    const fnId = referencedId(p.FunctionName);
    if (!fnId || resource(fnId, context).Type !== 'AWS::Lambda::Function')
      throw new TopologyError(`${context}: FunctionName is not a function of this stack`);
    const filters = ((p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map(
      (f) => JSON.parse(asString(f.Pattern, context)) as Record<string, unknown>,
    );
    const destination = (p.DestinationConfig as { OnFailure?: { Destination?: Json } } | undefined)?.OnFailure?.Destination;
    return {
      logicalId: id,
      tableName: names.get(sourceId)!,
      functionName: names.get(fnId)!,
      batchSize: Number(p.BatchSize ?? 100),
      filters,
      bisectOnError: p.BisectBatchOnFunctionError === true,
      maxRetries: p.MaximumRetryAttempts === undefined ? -1 : Number(p.MaximumRetryAttempts),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      startingPosition: (p.StartingPosition as 'LATEST' | 'TRIM_HORIZON' | undefined) ?? 'LATEST',
      onFailure: destination !== undefined,
    };
  });

  const integrations = new Map<string, string>();
  for (const [id, r] of byType('AWS::ApiGatewayV2::Integration')) {
    const fnId = referencedId(r.Properties?.IntegrationUri);
    if (!fnId || resource(fnId, `integration ${id}`).Type !== 'AWS::Lambda::Function') {
      throw new TopologyError(`integration ${id} does not point at a function of this stack`);
    }
    if (r.Properties?.PayloadFormatVersion !== '2.0') throw new TopologyError(`integration ${id}: payload format must be 2.0`);
    integrations.set(id, names.get(fnId)!);
  }
  // the stage's throttles: route settings by route key override the default route settings
  const stages = byType('AWS::ApiGatewayV2::Stage');
  const throttleOf = (settings: Json | undefined) => {
    const t = (settings ?? {}) as Record<string, Json>;
    return typeof t.ThrottlingRateLimit === 'number' && typeof t.ThrottlingBurstLimit === 'number'
      ? { rateLimit: t.ThrottlingRateLimit, burstLimit: t.ThrottlingBurstLimit }
      : undefined;
  };
  const stageProps = (stages[0]?.[1].Properties ?? {}) as Record<string, Json>;
  const defaultThrottle = throttleOf(stageProps.DefaultRouteSettings);
  const routeSettings = (stageProps.RouteSettings ?? {}) as Record<string, Json>;
  const routes: RouteSpecLocal[] = byType('AWS::ApiGatewayV2::Route').map(([id, r]) => {
    const p = r.Properties ?? {};
    const routeKey = String(p.RouteKey);
    const [method, path] = routeKey.split(' ') as [string, string];
    const integrationId = referencedId(p.Target);
    const functionName = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionName) throw new TopologyError(`route ${routeKey} (${id}) has no Lambda integration`);
    const authType = String(p.AuthorizationType ?? 'NONE');
    if (authType !== 'NONE' && authType !== 'JWT')
      throw new TopologyError(`route ${routeKey}: authorization ${authType} is not supported locally`);
    const throttle = throttleOf(routeSettings[routeKey]) ?? defaultThrottle;
    return { method, path: path ?? '/', functionName, auth: authType === 'JWT' ? 'jwt' : 'none', ...(throttle ? { throttle } : {}) };
  });

  const siteHeaders: SiteHeaders = {};
  for (const [, r] of byType('AWS::CloudFront::ResponseHeadersPolicy')) {
    const config = (r.Properties?.ResponseHeadersPolicyConfig ?? {}) as Record<string, Json>;
    const sec = (config.SecurityHeadersConfig ?? {}) as Record<string, Record<string, Json>>;
    if (sec.ContentSecurityPolicy)
      siteHeaders['content-security-policy'] = asString(sec.ContentSecurityPolicy.ContentSecurityPolicy, 'response headers policy');
    if (sec.StrictTransportSecurity) {
      const hsts = sec.StrictTransportSecurity;
      siteHeaders['strict-transport-security'] =
        `max-age=${hsts.AccessControlMaxAgeSec}` +
        (hsts.IncludeSubdomains ? '; includeSubDomains' : '') +
        (hsts.Preload ? '; preload' : '');
    }
    if (sec.ContentTypeOptions) siteHeaders['x-content-type-options'] = 'nosniff';
    if (sec.FrameOptions) siteHeaders['x-frame-options'] = String(sec.FrameOptions.FrameOption);
    if (sec.ReferrerPolicy) siteHeaders['referrer-policy'] = String(sec.ReferrerPolicy.ReferrerPolicy);
    const custom = (config.CustomHeadersConfig as { Items?: { Header: string; Value: string }[] } | undefined)?.Items ?? [];
    for (const item of custom) siteHeaders[item.Header.toLowerCase()] = asString(item.Value, 'response headers policy');
  }
  let siteIndexDocument = 'index.html';
  for (const [, r] of byType('AWS::CloudFront::Distribution')) {
    const root = (r.Properties?.DistributionConfig as { DefaultRootObject?: string } | undefined)?.DefaultRootObject;
    if (root) siteIndexDocument = root;
  }

  let apiCors: Topology['apiCors'];
  for (const [, r] of byType('AWS::ApiGatewayV2::Api')) {
    const c = r.Properties?.CorsConfiguration as Record<string, Json> | undefined;
    if (!c) continue;
    const list = (v: Json) => ((resolveValue(v, 'HTTP API CORS') as string[] | undefined) ?? []).map(String);
    apiCors = {
      allowOrigins: list(c.AllowOrigins),
      allowMethods: list(c.AllowMethods),
      allowHeaders: list(c.AllowHeaders),
      exposeHeaders: list(c.ExposeHeaders),
      ...(c.MaxAge !== undefined ? { maxAge: Number(c.MaxAge) } : {}),
      ...(c.AllowCredentials !== undefined ? { allowCredentials: c.AllowCredentials === true } : {}),
    };
  }

  const environment: Record<string, string> = {};
  const setBy: Record<string, string> = {};
  for (const fn of functions) {
    for (const [k, v] of Object.entries(fn.environment)) {
      if (RUNTIME_ONLY_VARIABLES.has(k)) continue;
      if (k in environment && environment[k] !== v) {
        throw new TopologyError(`${k} is "${environment[k]}" for ${setBy[k]} but "${v}" for ${fn.name}; one process cannot run both`);
      }
      environment[k] = v;
      setBy[k] = fn.name;
    }
  }

  return {
    templatePath,
    buckets,
    tables,
    functions,
    stateMachines,
    rules,
    schedules,
    streamMappings,
    routes,
    siteHeaders,
    siteIndexDocument,
    apiCors,
    environment,
  };
}

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The period of an EventBridge `rate(value unit)` expression in milliseconds. `cron(...)` is not
 * supported locally (it would need a calendar scheduler; the stack uses rates only), so it and
 * anything malformed are refused with the rule named.
 */
export function rateMs(expression: string, context = 'schedule'): number {
  if (/^cron\(/.test(expression)) throw new TopologyError(`${context}: ${expression}: only rate(...) schedules run locally, not cron(...)`);
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  const value = match ? Number(match[1]) : 0;
  const unit = match?.[2]!.replace(/s$/, '');
  // EventBridge's own rule: 1 takes the singular unit, anything else the plural.
  if (!match || value < 1 || (value === 1) !== (match[2] === unit))
    throw new TopologyError(`${context}: ${expression} is not a rate(value unit) expression`);
  return value * RATE_UNIT_MS[unit!]!;
}
