/**
 * The near-duplicate lookup's bounds (src/usecases/intake/duplicates.ts, NEAR_DUPLICATE_BOUNDS):
 * within them it is exactly the unbounded lookup it replaced (property test: old vs new on
 * generated sets of stored cases); past them it compares the likeliest candidates — shared
 * title first, then most shared buckets — and validation says how many it left uncompared.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderMarkdown } from '../../src/domain/dossier';
import type { ValidationContext } from '../../src/domain/dossier';
import { duplicateKeys } from '../../src/domain/similarity';
import { Store } from '../../src/store/store';
import { indexCaseVersion, nearDuplicateCandidates, NEAR_DUPLICATE_BOUNDS, type IndexedText } from '../../src/usecases/intake/duplicates';
import { parseUpload } from '../../src/usecases/intake/parse';
import { validateSubmission } from '../../src/usecases/intake/validate';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { workflowCharter as testCharter } from '../support/charters';
import { testRound } from './fixtures';
import { createHarness } from './harness';
import { randomPractices, VOCABULARY } from '../support/dossier-text';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

/** `text` with every `every`-th character replaced (seeded): a near copy, less alike as `every` shrinks. */
function mutate(text: string, every: number, seed: number): string {
  const chars = [...text];
  for (let i = seed % every; i < chars.length; i += every) chars[i] = VOCABULARY[(i * 7 + seed) % VOCABULARY.length]!;
  return chars.join('');
}

async function storeCase(caseId: string, roundNumber: number, text: IndexedText, version = 1): Promise<void> {
  const roundId = `r-bounds-${roundNumber}`;
  await db.store.cases.createCase(
    {
      caseId,
      roundId,
      unitCode: caseId,
      unitName: 'x',
      city: '440100',
      level: 'county',
      title: text.title,
      currentVersion: version,
      currentSubmissionId: `s-${caseId}`,
      status: 'IN_REVIEW',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    },
    {
      caseId,
      roundId,
      version,
      submissionId: `s-${caseId}`,
      dossier: { title: text.title, practices: { text: text.practicesText } },
      createdAt: '2026-01-01T00:00:00Z',
    },
  );
  const entry = { caseId, roundId, roundNumber, unitCode: caseId, title: text.title, version };
  await indexCaseVersion(db.store, entry, text);
  // The bucket index too: the lookup before the signature log, the oracle below.
  await db.store.cases.indexCaseText(entry, duplicateKeys(text));
}

/** The current lookup with the bucket index behind it instead of the signature log (the oracle). */
function bucketBacked(store: Store): Store {
  const cases = Object.create(store.cases) as Store['cases'];
  cases.findRankedDuplicateCandidates = (bucketKeys, perBucket) =>
    store.cases.findRankedDuplicateCandidatesInBuckets(bucketKeys, perBucket);
  return { ...store, cases } as Store;
}

/** The lookup as it was before the bounds (every entry of every bucket read and compared). */
async function unboundedLookup(store: Store, text: IndexedText, ownCaseId: string): Promise<NonNullable<ValidationContext['others']>> {
  if (!text.practicesText.trim() && !text.title.trim()) return [];
  const entries = (await store.cases.findDuplicateCandidates(duplicateKeys(text))).filter((entry) => entry.caseId !== ownCaseId);
  const texts = new Map((await store.cases.getDuplicateTexts(entries)).map((stored) => [`${stored.caseId}#${stored.version}`, stored]));
  const others: NonNullable<ValidationContext['others']> = [];
  for (const entry of entries) {
    const stored = texts.get(`${entry.caseId}#${entry.version}`);
    if (!stored || stored.supersededAt || stored.title === undefined || stored.practicesText === undefined) continue;
    others.push({ caseId: entry.caseId, roundNumber: entry.roundNumber, title: stored.title, practicesText: stored.practicesText });
  }
  return others.sort((a, b) => a.roundNumber - b.roundNumber || a.caseId.localeCompare(b.caseId));
}

describe('near-duplicate lookup bounds', () => {
  it('within the bounds, finds and compares exactly what the unbounded lookup did (generated sets of stored cases)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // stored cases: which base text (0–2) each copies, how closely, its round, whether its title is the query's
        fc.array(
          fc.record({
            base: fc.integer({ min: 0, max: 2 }),
            every: fc.constantFrom(3, 5, 9, 40, 1000),
            round: fc.integer({ min: 5, max: 7 }),
            sameTitle: fc.boolean(),
          }),
          { maxLength: 10 },
        ),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        async (stored, queryBase, ownIsStored) => {
          run += 1;
          // Seeds and titles of their own per run: runs share one table but not texts.
          const bases = [0, 1, 2].map((b) => randomPractices(run * 10 + b + 5_000));
          const query: IndexedText = { title: `查詢題目${run}`, practicesText: mutate(bases[queryBase]!, 11, run) };
          const caseIds: string[] = [];
          for (const [i, s] of stored.entries()) {
            const caseId = `c-prop-${run}-${i}`;
            caseIds.push(caseId);
            await storeCase(caseId, s.round, {
              title: s.sameTitle ? query.title : `題目${run}-${i}`,
              practicesText: mutate(bases[s.base]!, s.every, i),
            });
          }
          const own = ownIsStored && caseIds.length ? caseIds[0]! : `c-prop-${run}-own`;
          const before = await unboundedLookup(db.store, query, own);
          expect(before.length).toBeLessThanOrEqual(NEAR_DUPLICATE_BOUNDS.compared);
          expect(await nearDuplicateCandidates(db.store, query, own)).toEqual({ others: before, uncompared: 0, atLeast: false });
        },
      ),
      { numRuns: 25 },
    );
    // 25 generated rounds, each stored in DynamoDB Local: a minute on a quiet machine, more while
    // the e2e and browser projects run beside it
  }, 300_000);

  it('the signature log answers exactly as the bucket index did, within and past the bounds, warm or cold (generated sets, replaced versions)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            base: fc.integer({ min: 0, max: 1 }),
            every: fc.constantFrom(3, 9, 40, 1000),
            round: fc.integer({ min: 5, max: 7 }),
            sameTitle: fc.boolean(),
            // a second version replacing the first (its entries taken out of the buckets)
            replacedBy: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 1 }),
        fc.record({ compared: fc.integer({ min: 1, max: 6 }), perBucket: fc.integer({ min: 1, max: 6 }) }),
        async (stored, queryBase, bounds) => {
          run += 1;
          const bases = [0, 1].map((b) => randomPractices(run * 10 + b + 6_000));
          const query: IndexedText = { title: `對照題目${run}`, practicesText: mutate(bases[queryBase]!, 11, run) };
          for (const [i, s] of stored.entries()) {
            const caseId = `c-log-${run}-${i}`;
            const first = { title: s.sameTitle ? query.title : `對照${run}-${i}`, practicesText: mutate(bases[s.base]!, s.every, i) };
            await storeCase(caseId, s.round, first);
            if (s.replacedBy !== undefined) {
              const second = { title: `對照新版${run}-${i}`, practicesText: mutate(bases[s.replacedBy]!, s.every, i + 50) };
              await db.store.cases.addCaseVersion(
                {
                  caseId,
                  roundId: `r-bounds-${s.round}`,
                  version: 2,
                  submissionId: `s-${caseId}-2`,
                  dossier: { title: second.title, practices: { text: second.practicesText } },
                  createdAt: '2026-01-02T00:00:00Z',
                },
                { status: 'IN_REVIEW' },
                ['IN_REVIEW'],
              );
              const entry = {
                caseId,
                roundId: `r-bounds-${s.round}`,
                roundNumber: s.round,
                unitCode: caseId,
                title: second.title,
                version: 2,
              };
              await indexCaseVersion(db.store, entry, second);
              await db.store.cases.indexCaseText(entry, duplicateKeys(second));
              await db.store.cases.unindexCaseText(caseId, duplicateKeys(first), 1);
            }
          }
          const keys = duplicateKeys(query);
          const oracle = await db.store.cases.findRankedDuplicateCandidatesInBuckets(keys, bounds.perBucket);
          const cold = new Store({ doc: db.store.doc, tableName: db.tableName });
          for (const store of [db.store, cold]) {
            expect(await store.cases.findRankedDuplicateCandidates(keys, bounds.perBucket)).toEqual(oracle);
            expect(await store.cases.findRankedDuplicateCandidates(keys)).toEqual(
              await db.store.cases.findRankedDuplicateCandidatesInBuckets(keys),
            );
            const own = `c-log-${run}-0`;
            expect(await nearDuplicateCandidates(store, query, own, bounds)).toEqual(
              await nearDuplicateCandidates(bucketBacked(db.store), query, own, bounds),
            );
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 300_000);

  it('past the bounds, compares the likeliest: a shared title, then the most shared buckets, and counts the rest as a lower bound', async () => {
    const base = randomPractices(7_001);
    const query: IndexedText = { title: '邊界排序測試', practicesText: base };
    // Unrelated text, same title: a duplicate by the rules (similarity 1), ranked first.
    await storeCase('c-rank-title', 6, { title: query.title, practicesText: randomPractices(7_002) });
    // Exact copies share every band; near copies (every 12th character changed: bigram Jaccard
    // ≈ 0.7, about 9 of 50 bands) only some.
    for (let i = 0; i < 3; i++) await storeCase(`c-rank-exact-${i}`, 6, { title: `精確副本${i}`, practicesText: base });
    for (let i = 0; i < 4; i++) await storeCase(`c-rank-near-${i}`, 6, { title: `近似副本${i}`, practicesText: mutate(base, 12, i) });

    const all = await nearDuplicateCandidates(db.store, query, 'c-none');
    expect(all.others).toHaveLength(8);
    expect(all).toMatchObject({ uncompared: 0, atLeast: false });

    const top = await nearDuplicateCandidates(db.store, query, 'c-none', { compared: 4, perBucket: 100 });
    expect(top.others.map((o) => o.caseId)).toEqual(['c-rank-exact-0', 'c-rank-exact-1', 'c-rank-exact-2', 'c-rank-title']);
    expect(top).toMatchObject({ uncompared: 4, atLeast: false });

    // Buckets cut at 2 entries (+1 read to know there may be more): the count is a lower bound.
    const cut = await nearDuplicateCandidates(db.store, query, 'c-none', { compared: 2, perBucket: 2 });
    // Entries come in case-id order: each band bucket yields the three exact copies (so each is
    // counted in all 50), the title's bucket its one case; the title match and the first copy
    // (ties go by case id) are compared.
    expect(cut.others.map((o) => o.caseId)).toEqual(['c-rank-exact-0', 'c-rank-title']);
    expect(cut.atLeast).toBe(true);
    expect(cut.uncompared).toBeGreaterThan(0);
  });

  it('a dossier with more near copies stored than are compared: the likeliest are named, one warning counts the rest', async () => {
    const roundId = 'r-bounds-many';
    await db.store.rounds.createRound(testRound(roundId, 'OPEN', testCharter({ number: 8 })));
    const harness = createHarness(db.store);
    try {
      const base = randomPractices(8_001);
      const copies = NEAR_DUPLICATE_BOUNDS.compared + 6;
      // The same template text under other titles: every bucket holds every copy.
      for (let i = 0; i < copies; i++)
        await storeCase(`c-many-${String(i).padStart(2, '0')}`, 8, { title: `模板副本${i}`, practicesText: base });
      const key = `dossiers/${roundId}/440103/s-many/dossier.md`;
      harness.objects.put(key, renderMarkdown({ title: '又一個模板副本', unit: '廣州市荔灣區人大常委會', practices: base, round: 8 }));
      await parseUpload(harness.deps, { bucket: 'dossiers', key, versionId: null });
      await validateSubmission(harness.deps, { roundId, submissionId: 's-many' });
      const warnings = (await db.store.submissions.getSubmission(roundId, 's-many'))!.warnings ?? [];
      expect(warnings.filter((w) => w.code === 'DUPLICATE_NEAR')).toHaveLength(NEAR_DUPLICATE_BOUNDS.compared);
      const rest = warnings.filter((w) => w.code === 'DUPLICATE_NEAR_UNCOMPARED');
      expect(rest).toHaveLength(1);
      // Every bucket held all 36 copies and was cut after 31: how many more exist is a lower bound.
      expect(rest[0]!.message.en).toMatch(
        /^At least \d+ more stored cases may be similar to this dossier and were not compared \(only the 30 likeliest were\)\.$/,
      );
      expect(rest[0]!.message.zh).toMatch(/^另有 至少 \d+ 個已存案例可能與本申報書相似/);
      expect(warnings[warnings.length - 1]!.code).toBe('DUPLICATE_NEAR_UNCOMPARED');
    } finally {
      await harness.stop();
    }
  });
});
