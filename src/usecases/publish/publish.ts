/**
 * Publishes the site from the current state of the store: render everything, compare with the
 * manifest in the bucket, write only the files whose bytes changed, delete the ones that are
 * gone, invalidate only those paths.
 *
 * Always rendering from current state (never from a stream record's image) makes publishing
 * idempotent under repeated, reordered or coalesced stream records: any record means "look
 * again". Two invocations may still overlap (records of one round arrive on different shards),
 * so after writing we re-read the data and publish again if it moved meanwhile.
 */
import { buildSnapshot, renderSite, snapshotSha256, sitePaths, type RenderedSite, type SiteManifest } from '../../domain/site';
import type { PublicationSource, SiteBucket, SiteInvalidator } from './ports';
import { loadTraditional } from '../../domain/text/traditional';

export interface PublishDeps {
  source: PublicationSource;
  bucket: SiteBucket;
  /** Absent locally (no CDN); on AWS when DISTRIBUTION_ID is set. */
  invalidator?: SiteInvalidator;
}

export interface PublishOptions {
  baseUrl: string;
  apiBaseUrl?: string;
  /** Parallel object writes. */
  concurrency?: number;
  /** Re-publish passes when the data changes while publishing. */
  maxPasses?: number;
}

export interface PublishResult {
  snapshotSha256: string;
  written: string[];
  deleted: string[];
  unchanged: number;
  invalidated: string[];
  passes: number;
  /** Round ids on the site after publishing. */
  rounds: string[];
}

/** Above this many changed paths one wildcard invalidation is cheaper and as correct. */
const MAX_INVALIDATION_PATHS = 1000;

export async function publishSite(deps: PublishDeps, options: PublishOptions): Promise<PublishResult> {
  const maxPasses = options.maxPasses ?? 3;
  const total: PublishResult = { snapshotSha256: '', written: [], deleted: [], unchanged: 0, invalidated: [], passes: 0, rounds: [] };
  // The Traditional pages need OpenCC's Simplified→Traditional dictionaries, loaded on the first
  // publish (never at the publisher's init: most stream batches it sees hold no Round or Case).
  const traditional = loadTraditional();
  traditional.catch(() => undefined);
  let data = await deps.source.loadRounds();
  await traditional;
  for (let pass = 1; pass <= maxPasses; pass++) {
    const snapshot = buildSnapshot(data);
    const result = await publishOnce(deps, renderSite(snapshot, options), options);
    total.snapshotSha256 = result.snapshotSha256;
    total.written = [...new Set([...total.written, ...result.written])];
    total.deleted = [...new Set([...total.deleted, ...result.deleted])];
    total.unchanged = result.unchanged;
    total.invalidated = [...new Set([...total.invalidated, ...result.invalidated])];
    total.passes = pass;
    total.rounds = snapshot.rounds.map((r) => r.roundId);
    if (pass === maxPasses) break;
    data = await deps.source.loadRounds();
    if (snapshotSha256(buildSnapshot(data)) === result.snapshotSha256) break;
  }
  return total;
}

/**
 * Publishes after a change to one round. The site index, feeds and sitemap span every round,
 * so this renders the whole site from current state too; only changed files are written, so
 * the cost on the bucket is that of the round's change.
 */
export async function publishRound(
  deps: PublishDeps,
  roundId: string,
  options: PublishOptions,
): Promise<PublishResult & { roundOnSite: boolean }> {
  const result = await publishSite(deps, options);
  return { ...result, roundOnSite: result.rounds.includes(roundId) };
}

/** Writes go out leaves first and indexes last, so a reader never follows a link to a missing page. */
function writeRank(path: string): number {
  if (path === sitePaths.stylesheet || path === sitePaths.searchScript) return 0;
  if (path.startsWith('data/')) return 1;
  if (path.includes('/cases/')) return 2;
  if (path.includes('/rounds/')) return 3;
  return 4;
}

async function publishOnce(
  deps: PublishDeps,
  site: RenderedSite,
  options: PublishOptions,
): Promise<Omit<PublishResult, 'passes' | 'rounds'>> {
  const previous = await deps.bucket.readManifest();
  const { manifest } = site;
  const toWrite: string[] = [];
  let unchanged = 0;
  for (const [path, entry] of Object.entries(manifest.files)) {
    const before = previous?.files[path];
    if (before && before.sha256 === entry.sha256 && before.contentType === entry.contentType) unchanged++;
    else toWrite.push(path);
  }
  const toDelete = previous
    ? Object.keys(previous.files)
        .filter((path) => !(path in manifest.files))
        .sort()
    : [];
  toWrite.sort((a, b) => writeRank(a) - writeRank(b) || (a < b ? -1 : 1));

  await inBatches(toWrite, options.concurrency ?? 8, writeRank, (path) => deps.bucket.writeFile(path, site.files.get(path)!));
  if (toDelete.length > 0) await deps.bucket.deleteFiles(toDelete);
  if (toWrite.length > 0 || toDelete.length > 0 || !sameManifest(previous, manifest)) await deps.bucket.writeManifest(manifest);

  const invalidated = invalidationPaths([...toWrite, ...toDelete]);
  if (deps.invalidator && invalidated.length > 0) {
    // The reference names the content, so a retried invocation does not queue a second invalidation.
    await deps.invalidator.invalidate(invalidated, `${manifest.snapshotSha256.slice(0, 32)}-${invalidated.length}`);
  }
  return { snapshotSha256: manifest.snapshotSha256, written: toWrite, deleted: toDelete, unchanged, invalidated };
}

function sameManifest(a: SiteManifest | undefined, b: SiteManifest): boolean {
  return a !== undefined && a.snapshotSha256 === b.snapshotSha256 && JSON.stringify(a.files) === JSON.stringify(b.files);
}

export function invalidationPaths(changed: readonly string[]): string[] {
  if (changed.length === 0) return [];
  const paths = new Set<string>();
  for (const path of changed) {
    paths.add(`/${path}`);
    // CloudFront serves /index.html for / too, and the directory-index function maps dir/ to it
    if (path === sitePaths.root) paths.add('/');
    else if (path.endsWith('/index.html')) paths.add(`/${path.slice(0, -'index.html'.length)}`);
  }
  const sorted = [...paths].sort();
  return sorted.length > MAX_INVALIDATION_PATHS ? ['/*'] : sorted;
}

/** Runs writes of equal rank in parallel (bounded), ranks one after another. */
async function inBatches(
  paths: readonly string[],
  concurrency: number,
  rank: (path: string) => number,
  work: (path: string) => Promise<void>,
): Promise<void> {
  let i = 0;
  while (i < paths.length) {
    const r = rank(paths[i]!);
    let j = i;
    while (j < paths.length && rank(paths[j]!) === r) j++;
    const group = paths.slice(i, j);
    let next = 0;
    const workers = Array.from({ length: Math.min(concurrency, group.length) }, async () => {
      while (next < group.length) {
        const path = group[next++]!;
        await work(path);
      }
    });
    await Promise.all(workers);
    i = j;
  }
}
