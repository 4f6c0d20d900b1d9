/**
 * The whole system on one machine: DynamoDB Local (+ the stream poller), s3rver (+ the event
 * router), the Step Functions engine behind its JSON-protocol endpoint, the HTTP API with the
 * local OpenID provider (the user pool and its managed login), and the site server — wired from
 * the synthesized template.
 *
 * The handlers run in this process with the SDK pointed at the local parts through environment
 * variables only (AWS_ENDPOINT_URL_*), exactly the variables the deployed functions lack.
 */
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { ENDPOINTS_FILE, type EndpointsFile, type LocalCloudEndpoints } from './endpoints';
import { awsEnvironment, writeAwsEnvFile, type AwsEnvEntry } from './aws-env';
import { join, resolve } from 'node:path';
import { ensureTables, latestStreamArn, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';
import { startLocalS3, EventRouter, S3_CLIENT_ENV, S3RVER_CREDENTIALS, type LocalS3 } from './s3';
import { LambdaRegistry, type FunctionFault, type FunctionStats } from './lambda';
import { StreamPoller, type StreamStats } from './streams';
import { createLocalIssuer, type MintRequest } from './issuer';
import { startLocalOidc, lifetimesFromEnv, type TokenLifetimes } from './oidc';
import { LocalUserDirectory } from './user-directory';
import { consoleCallbackUrl, consoleSignOutUrl, type AuthConfig } from '../src/auth/config';
import { startApiServer, startSiteServer, type RunningServer } from './api';
import { acquireLock, type LockHandle } from './lock';
import { ensureSynthesized, loadTopology, LOCAL_REGION, PROJECT_ROOT, withLocalOrigins, type Topology } from './topology';
import { freePort, sleep } from './net';
import { createEngine, type EngineTuning, type LocalEngine } from './engine-adapter';
import type { EventRouterStats } from './s3';
import { Scheduler, type ScheduleOptions, type ScheduleStats } from './schedules';

export interface LocalCloudFaults {
  /** Make named functions fail (N times or at a rate) before their handler runs. */
  functions?: Record<string, FunctionFault>;
  /** Deliver every S3 event twice (at-least-once delivery made visible). */
  duplicateS3Events?: boolean;
  /** Hold every stream batch this long before delivering it. */
  streamDelayMs?: number;
  /** Seed for rate-based faults. */
  seed?: number;
}

export interface LocalCloudOptions {
  dataDir?: string;
  faults?: LocalCloudFaults;
  quiet?: boolean;
  /** Keep DynamoDB in memory (tests that need no durability); default: on disk in the data dir. */
  inMemoryDb?: boolean;
  /** Step Functions engine tuning (shorter retries and waits for tests and demos). */
  engine?: EngineTuning;
  /** Template to use instead of cdk.out/Casebook.template.json (synthesized when stale). */
  templatePath?: string;
  /**
   * Scheduled rules (`rate(...)`): by default each fires at its deployed rate capped at 60 s, so an
   * hourly sweep still runs in a short session; `intervalMs` sets one pace for all, `disabled` none.
   */
  schedules?: ScheduleOptions;
  log?: (line: string) => void;
  /** Lifetimes of the local provider's tokens (default: Cognito's, or CASEBOOK_LOCAL_*_TTL). */
  tokenLifetimes?: TokenLifetimes;
}

export interface LocalCloudStats {
  functions: Record<string, FunctionStats>;
  streams: Record<string, StreamStats>;
  events: EventRouterStats;
  schedules: Record<string, ScheduleStats>;
}

export interface LocalCloud {
  dataDir: string;
  endpoints: LocalCloudEndpoints;
  /** The variables this process runs the handlers with (also what a client process needs). */
  env: Record<string, string>;
  /** What points the AWS CLI and SDKs at this cloud (also written to `<dataDir>/aws.env`). */
  awsEnv: AwsEnvEntry[];
  topology: Topology;
  engine: LocalEngine;
  lambdas: LambdaRegistry;
  /** Runs every scheduled rule's targets now (as if its period had passed) and waits for them. */
  runSchedules(): Promise<void>;
  stats(): LocalCloudStats;
  mintToken(request: MintRequest): Promise<string>;
  /** Where people sign in (what `GET /auth/config` answers). */
  auth: AuthConfig;
  /** The local user pool. */
  users: LocalUserDirectory;
  /** True when no S3 event and no stream batch is in flight. */
  quiescent(): boolean;
  /**
   * Resolves when what was set off before the call has played out: every S3 event delivered and
   * every table stream read to its end (so the publisher has published the last change). Waits
   * as long as deliveries keep progressing; the caller bounds it by its own measure of progress.
   */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir ?? '.casebook');
  const log = options.log ?? ((line: string) => (options.quiet ? undefined : process.stderr.write(`[local] ${line}\n`)));
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireLock(dataDir, log);
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      try {
        await stop();
      } catch (err) {
        log(`stopping: ${(err as Error).message}`);
      }
    }
    stoppers.length = 0;
  };
  try {
    return await boot(dataDir, options, lock, stoppers, stopAll, log);
  } catch (err) {
    await stopAll();
    lock.release();
    throw err;
  }
}

async function boot(
  dataDir: string,
  options: LocalCloudOptions,
  lock: LockHandle,
  stoppers: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
  log: (line: string) => void,
): Promise<LocalCloud> {
  const started = performance.now();
  const phase = (name: string) => {
    if (process.env.CASEBOOK_BOOT_TRACE) log(`  +${Math.round(performance.now() - started)} ms ${name}`);
  };
  const templatePath = options.templatePath ?? (await ensureSynthesized({ log }));
  // The site server's port is chosen now, so the distribution's domain in the environment, the CSP
  // and the API's CORS origins can all name the local site before any handler is imported.
  const [sitePort, apiPort] = await Promise.all([freePort(), freePort()]);
  phase('template ready');
  const topology = withLocalOrigins(loadTopology(templatePath), {
    site: `http://127.0.0.1:${sitePort}`,
    api: `http://127.0.0.1:${apiPort}`,
  });

  // The slow parts (the JVM above all) start together.
  const users = new LocalUserDirectory(dataDir);
  const siteOrigin = `http://127.0.0.1:${sitePort}`;
  const [dynamo, s3, issuer, oidc] = await Promise.all([
    startDynamoDbLocal(options.inMemoryDb ? { inMemory: true } : { dataDir: join(dataDir, 'dynamodb') }).then((d: DynamoDbLocal) => {
      stoppers.push(() => d.stop());
      lock.addHelper(d.pid, true, 'sh');
      return d;
    }),
    startLocalS3({ dataDir, buckets: topology.buckets }).then((s: LocalS3) => {
      stoppers.push(() => s.stop());
      lock.addHelper(s.pid, false, 's3rver-child');
      return s;
    }),
    createLocalIssuer(dataDir),
    users
      .ensureDemoAccounts()
      .then(() =>
        startLocalOidc({
          dataDir,
          accounts: users,
          redirectUris: [consoleCallbackUrl(siteOrigin)],
          postLogoutRedirectUris: [consoleSignOutUrl(siteOrigin)],
          lifetimes: options.tokenLifetimes ?? lifetimesFromEnv(),
          log,
        }),
      )
      .then((o) => {
        stoppers.push(() => o.close());
        return o;
      }),
  ]);
  phase('dynamodb, s3, issuer and sign-in up');
  await ensureTables(dynamo.endpoint, topology.tables);
  phase('tables');

  const lambdas = new LambdaRegistry(topology.functions, { seed: options.faults?.seed, faults: options.faults?.functions });
  stoppers.push(() => lambdas.stop());

  // Everything the handlers' module-scope SDK clients read when they are first imported.
  const engine = await createEngine({
    dataDir: join(dataDir, 'stepfunctions'),
    invokeLambda: (arn: string, payload: unknown, hooks?: { started?: () => void }) => lambdas.invoke(arn, payload, hooks),
    tuning: options.engine,
    log,
  });
  stoppers.push(() => engine.stop());
  const sfnServer = await engine.serve();
  stoppers.push(() => sfnServer.close());

  const env: Record<string, string> = {
    ...topology.environment,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
    AWS_ENDPOINT_URL_SFN: sfnServer.url,
    // GET /auth/config names the local provider instead of the user pool domain.
    AUTH_ISSUER: oidc.config.issuer,
    AUTH_CLIENT_ID: oidc.config.clientId,
    AUTH_DOMAIN_URL: oidc.url,
    AUTH_DISCOVERY_URL: oidc.config.discoveryUrl,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    ...S3_CLIENT_ENV,
    // the accounts of the local cloud (local/user-directory.ts), in place of the user pool
    CASEBOOK_LOCAL_USERS_DIR: dataDir,
  };
  if (options.quiet && !('POWERTOOLS_LOG_LEVEL' in topology.environment)) env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, env);

  phase('engine endpoint');
  for (const machine of topology.stateMachines) await engine.register(machine);
  await engine.recover();
  phase('state machines registered and recovered');

  const router = new EventRouter({
    dataDir,
    rules: topology.rules,
    buckets: topology.buckets,
    invokeFunction: (name, event) => lambdas.invoke(name, event),
    startExecution: (arn, input) => engine.startExecution(arn, input),
    duplicate: options.faults?.duplicateS3Events,
    log,
  });
  s3.onEvent((event) => router.accept(event));
  stoppers.push(() => router.stop());

  const poller = new StreamPoller({
    endpoint: dynamo.endpoint,
    dataDir,
    mappings: topology.streamMappings,
    streamArnOf: (table) => latestStreamArn(dynamo.endpoint, table),
    invoke: (name, event) => lambdas.invoke(name, event),
    delayMs: options.faults?.streamDelayMs,
    log,
  });

  const siteBucket = topology.environment.SITE_BUCKET;
  const [api, site] = await Promise.all([
    startApiServer({
      port: apiPort,
      routes: topology.routes,
      issuer,
      invoke: (name, event, queue) => lambdas.invoke(name, event, { queue }),
      cors: topology.apiCors,
      log,
    }),
    siteBucket
      ? startSiteServer({
          s3Endpoint: s3.endpoint,
          credentials: S3RVER_CREDENTIALS,
          bucket: siteBucket,
          headers: withLocalApiInCsp(topology.siteHeaders, `http://127.0.0.1:${apiPort}`, new URL(s3.endpoint).origin, oidc.url),
          // what the deployment writes beside the console on AWS
          consoleConfig: { apiBaseUrl: `http://127.0.0.1:${apiPort}`, auth: oidc.config },
          indexDocument: topology.siteIndexDocument,
          consoleDir: join(PROJECT_ROOT, 'console'),
          port: sitePort,
        })
      : Promise.reject(new Error('no function has SITE_BUCKET in its environment: the site bucket is not wired')),
  ]);
  stoppers.push(
    () => api.close(),
    () => site.close(),
  );
  if (!topology.apiCors) log('the HTTP API has no CORS configuration in the template: browsers on another origin cannot call it');

  phase('api and site');
  const replayed = router.replayPending();
  if (replayed > 0) log(`replaying ${replayed} S3 event(s) not delivered before the last stop`);
  await poller.start();
  stoppers.push(() => poller.stop());

  const scheduler = new Scheduler({
    schedules: topology.schedules,
    options: options.schedules,
    invokeFunction: (name, event) => lambdas.invoke(name, event),
    startExecution: (arn, input) => engine.startExecution(arn, JSON.stringify(input)),
    log,
  });
  scheduler.start();
  stoppers.push(() => scheduler.stop());

  const endpoints: LocalCloudEndpoints = {
    s3: s3.endpoint,
    dynamodb: dynamo.endpoint,
    sfn: sfnServer.url,
    api: api.url,
    site: site.url,
    console: `${site.url}/console/`,
    auth: oidc.url,
  };
  const endpointsFile = join(dataDir, ENDPOINTS_FILE);
  const stateMachines = Object.fromEntries(topology.stateMachines.map((m) => [m.name, m.arn]));
  writeFileSync(endpointsFile, JSON.stringify({ pid: process.pid, endpoints, stateMachines, env } satisfies EndpointsFile, null, 1));
  const awsEnv = awsEnvironment({ endpoints, env, stateMachines });
  const awsEnvFile = writeAwsEnvFile(dataDir, awsEnv);

  const bootMs = Math.round(performance.now() - started);
  log(`ready in ${bootMs} ms (data in ${dataDir})`);
  for (const [name, url] of Object.entries(endpoints)) log(`  ${name.padEnd(9)} ${url}`);
  log(
    `  ${topology.functions.length} functions, ${topology.stateMachines.length} state machines, ${topology.routes.length} routes, ${topology.streamMappings.length} stream mappings, ${topology.schedules.length} schedules`,
  );

  let stopped = false;
  return {
    dataDir,
    endpoints,
    env,
    awsEnv,
    topology,
    engine,
    lambdas,
    runSchedules: () => scheduler.fireAll(),
    stats: () => ({ functions: lambdas.stats(), streams: poller.stats(), events: router.stats(), schedules: scheduler.stats() }),
    mintToken: (request) => issuer.mintToken(request),
    auth: oidc.config,
    users,
    quiescent: () => router.idle && poller.idle,
    async settled() {
      // an S3 event may start work that writes to the table, whose stream then needs reading
      do {
        while (!router.idle) await sleep(50);
        await poller.drained();
      } while (!router.idle);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll();
      rmSync(endpointsFile, { force: true });
      rmSync(awsEnvFile, { force: true }); // its ports die with this process
      lock.release();
    },
  };
}

/**
 * The deployed CSP lets pages connect (the console) and post forms (the objection form) to the
 * API's execute-api domain and PUT to the dossier bucket; locally the API and S3 have their own
 * origins, which are added to `connect-src` and `form-action`, as is the local sign-in provider
 * (the only change the local site makes to the headers).
 */
function withLocalApiInCsp(
  headers: Record<string, string>,
  apiOrigin: string,
  s3Origin: string,
  authOrigin: string,
): Record<string, string> {
  const csp = headers['content-security-policy'];
  if (!csp) return headers;
  const directives = csp.split(';').map((d) => d.trim());
  // the console also PUTs dossiers to presigned URLs, which point at the local S3 here
  // and exchanges sign-in codes at the local provider's token endpoint
  const added: Record<string, string> = { 'connect-src': `${apiOrigin} ${s3Origin} ${authOrigin}`, 'form-action': apiOrigin };
  for (const [name, origins] of Object.entries(added)) {
    const at = directives.findIndex((d) => d.startsWith(`${name} `) || d === name);
    if (at >= 0) directives[at] = `${directives[at]} ${origins}`;
    else directives.push(`${name} 'self' ${origins}`);
  }
  return { ...headers, 'content-security-policy': directives.join('; ') };
}
