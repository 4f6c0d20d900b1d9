import { describe, expect, it } from '@jest/globals';
import { MANIFEST_PATH, sitePaths, type PublicationRound, type SiteFile, type SiteManifest } from '../../../src/domain/site';
import {
  invalidationPaths,
  publishRound,
  publishSite,
  type PublicationSource,
  type SiteBucket,
  type SiteInvalidator,
} from '../../../src/usecases/publish';
import { seedPublicationRound, smallRound } from './fixtures';

class MemoryBucket implements SiteBucket {
  readonly objects = new Map<string, SiteFile>();
  manifest: SiteManifest | undefined;
  puts: string[] = [];
  deletes: string[] = [];
  failOn?: string;

  async readManifest() {
    return this.manifest ? (JSON.parse(JSON.stringify(this.manifest)) as SiteManifest) : undefined;
  }
  async writeFile(path: string, file: SiteFile) {
    if (path === this.failOn) throw new Error(`injected failure writing ${path}`);
    this.puts.push(path);
    this.objects.set(path, file);
  }
  async deleteFiles(paths: readonly string[]) {
    for (const path of paths) {
      this.deletes.push(path);
      this.objects.delete(path);
    }
  }
  async writeManifest(manifest: SiteManifest) {
    this.puts.push(MANIFEST_PATH);
    this.manifest = manifest;
  }
  resetCounts() {
    this.puts = [];
    this.deletes = [];
  }
}

class RecordingInvalidator implements SiteInvalidator {
  calls: { paths: readonly string[]; reference: string }[] = [];
  async invalidate(paths: readonly string[], reference: string) {
    this.calls.push({ paths, reference });
  }
}

/** Current state that tests mutate, like the table. */
class MutableSource implements PublicationSource {
  loads = 0;
  onLoad?: (n: number) => void;
  constructor(public rounds: PublicationRound[]) {}
  async loadRounds() {
    this.loads++;
    const current = structuredClone(this.rounds);
    this.onLoad?.(this.loads);
    return current;
  }
}

const OPTIONS = { baseUrl: 'https://cases.example.org/', apiBaseUrl: 'https://api.example.org' };

function setup(
  rounds: PublicationRound[] = [
    seedPublicationRound(),
    smallRound('r6', 'NOTICE', 'hant', [
      { caseId: 'x1', title: '代表聯絡站', unitName: '廣州市越秀區人大常委會', practices: '一是建站。', reason: '成效明顯。' },
    ]),
  ],
) {
  const source = new MutableSource(rounds);
  const bucket = new MemoryBucket();
  const invalidator = new RecordingInvalidator();
  return { source, bucket, invalidator, deps: { source, bucket, invalidator } };
}

describe('publishSite', () => {
  it('writes every file and the manifest the first time, nothing when nothing changed', async () => {
    const { deps, bucket, invalidator } = setup();
    const first = await publishSite(deps, OPTIONS);
    expect(bucket.objects.size).toBe(Object.keys(bucket.manifest!.files).length);
    expect(first.written.length).toBe(bucket.objects.size);
    expect(bucket.puts.at(-1)).toBe(MANIFEST_PATH);
    // leaves before indexes: the first writes are the stylesheet and the search script, the root index comes after every case page
    expect(bucket.puts.slice(0, 2).sort()).toEqual([sitePaths.searchScript, sitePaths.stylesheet]);
    expect(bucket.puts.indexOf(sitePaths.root)).toBeGreaterThan(bucket.puts.lastIndexOf(sitePaths.case('hant', 'r2023-05', 'c012')));
    expect(invalidator.calls).toHaveLength(1);

    bucket.resetCounts();
    const again = await publishSite(deps, OPTIONS);
    expect(bucket.puts).toEqual([]);
    expect(bucket.deletes).toEqual([]);
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(bucket.objects.size);
    expect(invalidator.calls).toHaveLength(1);
  });

  it('republishing after one case changes writes only the objects that show it', async () => {
    const { deps, bucket, invalidator, source } = setup();
    await publishSite(deps, OPTIONS);
    bucket.resetCounts();

    const target = source.rounds[0]!.cases[6]!;
    target.record.title = `${target.record.title}（修訂）`;
    target.record.corrections = [{ at: '2023-07-01T09:00:00+08:00', by: 'office', note: '更正標題' }];
    const result = await publishRound(deps, 'r2023-05', OPTIONS);

    const expected = [
      'data/rounds/r2023-05.csv',
      'data/rounds/r2023-05.json',
      // the search index and both search pages show the new title
      'data/search-index.json',
      'hans/feed.xml',
      'hans/rounds/r2023-05/cases/c007.html',
      'hans/rounds/r2023-05/changes.html',
      'hans/rounds/r2023-05/index.html',
      'hans/search.html',
      'hant/feed.xml',
      'hant/rounds/r2023-05/cases/c007.html',
      'hant/rounds/r2023-05/changes.html',
      'hant/rounds/r2023-05/index.html',
      'hant/search.html',
    ];
    expect(result.roundOnSite).toBe(true);
    expect([...bucket.puts].sort()).toEqual([...expected, MANIFEST_PATH].sort());
    expect(bucket.puts).toHaveLength(expected.length + 1);
    expect(bucket.deletes).toEqual([]);
    expect(invalidator.calls.at(-1)!.paths).toEqual(
      [...expected.map((p) => `/${p}`), '/hans/rounds/r2023-05/', '/hant/rounds/r2023-05/'].sort(),
    );
  });

  it('deletes the pages of a withdrawn case and writes the pages that list the withdrawal', async () => {
    const { deps, bucket, source } = setup();
    await publishSite(deps, OPTIONS);
    bucket.resetCounts();
    const withdrawn = source.rounds[0]!.cases[0]!;
    withdrawn.record.status = 'WITHDRAWN';
    withdrawn.record.updatedAt = '2023-08-01T00:00:00Z';
    await publishSite(deps, OPTIONS);
    expect(bucket.deletes.sort()).toEqual([sitePaths.case('hans', 'r2023-05', 'c001'), sitePaths.case('hant', 'r2023-05', 'c001')]);
    expect(bucket.objects.has(sitePaths.case('hant', 'r2023-05', 'c001'))).toBe(false);
    expect(bucket.puts).toContain(sitePaths.round('hant', 'r2023-05'));
    expect(bucket.puts).toContain(sitePaths.sitemap);
    expect(bucket.puts).not.toContain(sitePaths.case('hant', 'r2023-05', 'c002'));
  });

  it('replaces the notice by the announcement when the round is approved', async () => {
    const { deps, bucket, source } = setup([
      smallRound('r6', 'NOTICE', 'hant', [
        { caseId: 'x1', title: '代表聯絡站', unitName: '廣州市越秀區人大常委會', practices: '一是建站。', reason: '成效明顯。' },
      ]),
    ]);
    await publishSite(deps, OPTIONS);
    expect(bucket.objects.has(sitePaths.objectionReceived('hant', 'r6'))).toBe(true);
    source.rounds = [
      smallRound('r6', 'APPROVED', 'hant', [
        { caseId: 'x1', title: '代表聯絡站', unitName: '廣州市越秀區人大常委會', practices: '一是建站。', reason: '成效明顯。' },
      ]),
    ];
    await publishSite(deps, OPTIONS);
    expect(bucket.objects.has(sitePaths.objectionReceived('hant', 'r6'))).toBe(false);
    const page = bucket.objects.get(sitePaths.round('hant', 'r6'))!.body as string;
    expect(page).toContain('評選結果揭曉');
    expect(page).not.toContain('<form');
  });

  it('ends with the latest state when the data changes while it publishes', async () => {
    const { deps, bucket, source } = setup();
    source.onLoad = (n) => {
      // a second writer changes a reason right after the first read
      if (n === 1) source.rounds[0]!.round.approvedList![2]!.reason = '更新後的入選理由';
    };
    const result = await publishSite(deps, OPTIONS);
    expect(result.passes).toBe(2);
    expect(bucket.objects.get(sitePaths.round('hant', 'r2023-05'))!.body).toContain('更新後的入選理由');
  });

  it('gives the same bucket whatever the order of repeated publications', async () => {
    const a = setup();
    const b = setup();
    const change = (s: ReturnType<typeof setup>) => (s.source.rounds[0]!.cases[2]!.practices = '新的主要做法。');
    await publishSite(a.deps, OPTIONS);
    change(a);
    await publishSite(a.deps, OPTIONS);
    await publishSite(a.deps, OPTIONS);
    change(b);
    await publishSite(b.deps, OPTIONS);
    expect(a.bucket.manifest).toEqual(b.bucket.manifest);
  });

  it('retries cleanly after a failed write: the manifest is only written after every object', async () => {
    const { deps, bucket } = setup();
    bucket.failOn = sitePaths.round('hant', 'r2023-05');
    await expect(publishSite(deps, OPTIONS)).rejects.toThrow(/injected failure/);
    expect(bucket.manifest).toBeUndefined();
    bucket.failOn = undefined;
    await publishSite(deps, OPTIONS);
    expect(Object.keys(bucket.manifest!.files).every((p) => bucket.objects.has(p))).toBe(true);
  });
});

describe('invalidationPaths', () => {
  it('adds directory forms of index pages and falls back to a wildcard for very large changes', () => {
    expect(invalidationPaths(['index.html', 'hant/rounds/r1/index.html', 'robots.txt'])).toEqual([
      '/',
      '/hant/rounds/r1/',
      '/hant/rounds/r1/index.html',
      '/index.html',
      '/robots.txt',
    ]);
    expect(invalidationPaths(Array.from({ length: 1200 }, (_, i) => `hant/x${i}.html`))).toEqual(['/*']);
    expect(invalidationPaths([])).toEqual([]);
  });
});
