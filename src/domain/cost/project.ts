/**
 * Projects the AWS bill of a round from what a local run counted. Plain arithmetic over a dated
 * price file (data/prices/), so the projection is reproducible and its assumptions are visible.
 * People's time is excluded by design: only what AWS bills.
 */
export interface Prices {
  date: string;
  currency: string;
  region: string;
  stepFunctionsStandardPerStateTransition: number;
  lambdaArmPerGbSecond: number;
  lambdaPerRequest: number;
  dynamodbOnDemandPerWriteRequestUnit: number;
  dynamodbOnDemandPerReadRequestUnit: number;
  dynamodbStoragePerGbMonth: number;
  s3PerPutRequest: number;
  s3PerGetRequest: number;
  s3StoragePerGbMonth: number;
  cloudfrontPerGbTransferOut: number;
  cloudfrontPerHttpsRequest: number;
  cloudfrontPerInvalidationPathAfterFree: number;
  cloudfrontFreeInvalidationPathsPerMonth: number;
  httpApiPerRequest: number;
  sesPerEmail: number;
  eventBridgeAwsServiceEventsPerEvent: number;
  cloudwatchLogsPerGbIngested: number;
}

/** What one local round counted. Lambda durations are billed at the memory the stack configures. */
export interface RoundCounts {
  dossiers: number;
  stateTransitions: number;
  lambda: { name: string; invocations: number; totalDurationMs: number; memoryMb: number }[];
  dynamodb: { readUnits: number; writeUnits: number; storedBytes: number };
  s3: { putRequests: number; getRequests: number; storedBytes: number };
  site: { bytes: number; objects: number; invalidationPaths: number };
  apiRequests: number;
  emails: number;
  s3Events: number;
  /** Log bytes the functions would write (estimated from invocations when not measured). */
  logBytes: number;
}

export interface CostLine {
  service: string;
  quantity: number;
  unit: string;
  usd: number;
  /**
   * `dossier`: grows with the dossiers (intake, review, notifications); `round`: paid once per
   * round whatever its size (the public reading the published site, CDN invalidations).
   */
  scope: 'dossier' | 'round';
}

export interface CostProjection {
  prices: { date: string; region: string; currency: string };
  lines: CostLine[];
  totalUsd: number;
  /** The per-dossier lines divided by the dossiers counted. */
  perDossierUsd: number;
  /** The lines paid once per round. */
  perRoundUsd: number;
  /** What a round of 1,000 dossiers costs: 1,000 × the per-dossier cost plus the per-round cost. */
  perThousandDossiersUsd: number;
  /** Monthly storage and one month of public reads of the site, billed apart from the round itself. */
  assumptions: string[];
}

const GB = 1024 ** 3;

/** Billed Lambda duration rounds each invocation up to 1 ms; we only have totals, so we add 1 ms per call. */
function lambdaGbSeconds(l: RoundCounts['lambda'][number]): number {
  return ((l.totalDurationMs + l.invocations) / 1000) * (l.memoryMb / 1024);
}

export function projectCost(counts: RoundCounts, prices: Prices, opts: { siteViewsPerCasePage?: number } = {}): CostProjection {
  const views = opts.siteViewsPerCasePage ?? 100;
  const lines: CostLine[] = [];
  const add = (service: string, quantity: number, unit: string, usd: number, scope: CostLine['scope'] = 'dossier') =>
    lines.push({ service, quantity, unit, usd, scope });

  add(
    'Step Functions (Standard)',
    counts.stateTransitions,
    'state transitions',
    counts.stateTransitions * prices.stepFunctionsStandardPerStateTransition,
  );
  const invocations = counts.lambda.reduce((s, l) => s + l.invocations, 0);
  const gbs = counts.lambda.reduce((s, l) => s + lambdaGbSeconds(l), 0);
  add('Lambda requests', invocations, 'requests', invocations * prices.lambdaPerRequest);
  add('Lambda compute (arm64)', gbs, 'GB-seconds', gbs * prices.lambdaArmPerGbSecond);
  add(
    'DynamoDB writes (on-demand)',
    counts.dynamodb.writeUnits,
    'write request units',
    counts.dynamodb.writeUnits * prices.dynamodbOnDemandPerWriteRequestUnit,
  );
  add(
    'DynamoDB reads (on-demand)',
    counts.dynamodb.readUnits,
    'read request units',
    counts.dynamodb.readUnits * prices.dynamodbOnDemandPerReadRequestUnit,
  );
  add(
    'DynamoDB storage (1 month)',
    counts.dynamodb.storedBytes / GB,
    'GB-months',
    (counts.dynamodb.storedBytes / GB) * prices.dynamodbStoragePerGbMonth,
  );
  add('S3 PUT/LIST requests', counts.s3.putRequests, 'requests', counts.s3.putRequests * prices.s3PerPutRequest);
  add('S3 GET requests', counts.s3.getRequests, 'requests', counts.s3.getRequests * prices.s3PerGetRequest);
  add(
    'S3 storage (1 month)',
    (counts.s3.storedBytes + counts.site.bytes) / GB,
    'GB-months',
    ((counts.s3.storedBytes + counts.site.bytes) / GB) * prices.s3StoragePerGbMonth,
  );
  const billedInvalidations = Math.max(0, counts.site.invalidationPaths - prices.cloudfrontFreeInvalidationPathsPerMonth);
  add(
    'CloudFront invalidations',
    counts.site.invalidationPaths,
    'paths',
    billedInvalidations * prices.cloudfrontPerInvalidationPathAfterFree,
    'round',
  );
  const pageViews = counts.site.objects * views;
  const avgObject = counts.site.objects ? counts.site.bytes / counts.site.objects : 0;
  add('CloudFront requests (public reads)', pageViews, 'HTTPS requests', pageViews * prices.cloudfrontPerHttpsRequest, 'round');
  add(
    'CloudFront transfer (public reads)',
    (pageViews * avgObject) / GB,
    'GB',
    ((pageViews * avgObject) / GB) * prices.cloudfrontPerGbTransferOut,
    'round',
  );
  add('API Gateway (HTTP API)', counts.apiRequests, 'requests', counts.apiRequests * prices.httpApiPerRequest);
  add('SES email', counts.emails, 'emails', counts.emails * prices.sesPerEmail);
  add('EventBridge (S3 events)', counts.s3Events, 'events', counts.s3Events * prices.eventBridgeAwsServiceEventsPerEvent);
  add('CloudWatch Logs', counts.logBytes / GB, 'GB ingested', (counts.logBytes / GB) * prices.cloudwatchLogsPerGbIngested);

  const totalUsd = lines.reduce((s, l) => s + l.usd, 0);
  const perRoundUsd = lines.filter((l) => l.scope === 'round').reduce((s, l) => s + l.usd, 0);
  const perDossierUsd = counts.dossiers ? (totalUsd - perRoundUsd) / counts.dossiers : Number.NaN;
  return {
    prices: { date: prices.date, region: prices.region, currency: prices.currency },
    lines,
    totalUsd,
    perDossierUsd,
    perRoundUsd,
    // the published site shows the selected cases, not every dossier: its reads do not scale
    perThousandDossiersUsd: perDossierUsd * 1000 + perRoundUsd,
    assumptions: [
      `prices of ${prices.date} for ${prices.region} (${prices.currency})`,
      'free tiers are not deducted, except CloudFront invalidation paths (first 1,000 a month are free)',
      `public reads: ${views} views of every published object, paid once per round; storage: one month`,
      'per 1,000 dossiers: a round of 1,000 dossiers, i.e. 1,000 × the per-dossier lines plus the per-round lines',
      'Lambda billed at the configured memory, arm64, 1 ms granularity',
      "people's time excluded",
    ],
  };
}

/**
 * The share of shared counts that falls to one round, by its dossiers: a data dir metered over
 * several rounds holds one set of counts, and most of a round's work is per dossier.
 */
export function roundShare(counts: RoundCounts, roundDossiers: number): RoundCounts {
  if (counts.dossiers <= 0 || roundDossiers === counts.dossiers) return { ...counts, dossiers: roundDossiers };
  const f = roundDossiers / counts.dossiers;
  return {
    dossiers: roundDossiers,
    stateTransitions: counts.stateTransitions * f,
    lambda: counts.lambda.map((l) => ({ ...l, invocations: l.invocations * f, totalDurationMs: l.totalDurationMs * f })),
    dynamodb: {
      readUnits: counts.dynamodb.readUnits * f,
      writeUnits: counts.dynamodb.writeUnits * f,
      storedBytes: counts.dynamodb.storedBytes * f,
    },
    s3: { putRequests: counts.s3.putRequests * f, getRequests: counts.s3.getRequests * f, storedBytes: counts.s3.storedBytes * f },
    site: { bytes: counts.site.bytes * f, objects: counts.site.objects * f, invalidationPaths: counts.site.invalidationPaths * f },
    apiRequests: counts.apiRequests * f,
    emails: counts.emails * f,
    s3Events: counts.s3Events * f,
    logBytes: counts.logBytes * f,
  };
}
