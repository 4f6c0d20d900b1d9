/**
 * Near duplicates through the similarity index: the warning names the other case, in this round
 * or a past one (backfilled from a published result page), never the unit's own earlier version,
 * and validation reads the same amount however many cases are stored.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { importAnnouncement } from '../../src/domain/announcement';
import { renderMarkdown } from '../../src/domain/dossier';
import type { Submission } from '../../src/domain/model';
import { toHans } from '../../src/domain/text';
import { Store } from '../../src/store/store';
import { backfillRound, sha256Hex } from '../../src/usecases/intake/backfill';
import { indexCaseVersion } from '../../src/usecases/intake/duplicates';
import { caseIdFor } from '../../src/usecases/intake/keys';
import { parseUpload } from '../../src/usecases/intake/parse';
import { validateSubmission } from '../../src/usecases/intake/validate';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { workflowCharter as testCharter } from '../support/charters';
import { testRound } from './fixtures';
import { createHarness, type Harness } from './harness';
import { randomPractices } from '../support/dossier-text';
import { SEED_PATH } from '../support/seed';

let db: TestTable;
let harness: Harness | undefined;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

const UNITS = {
  liwan: { unitCode: '440103', unit: '廣州市荔灣區人大常委會' },
  luohu: { unitCode: '440303', unit: '深圳市羅湖區人大常委會' },
  xiangzhou: { unitCode: '440402', unit: '珠海市香洲區人大常委會' },
  gaoming: { unitCode: '440608', unit: '佛山市高明區人大常委會' },
};
const SEED = readFileSync(SEED_PATH, 'utf8');
const fixedClock = { now: () => new Date('2026-02-01T00:00:00.000Z') };

async function settled(roundId: string, submissionId: string): Promise<Submission> {
  for (let i = 0; i < 400; i += 1) {
    const submission = await db.store.submissions.getSubmission(roundId, submissionId);
    if (submission && (submission.status === 'STORED' || submission.status === 'INVALID')) return submission;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`submission ${submissionId} did not settle`);
}

async function submit(h: Harness, roundId: string, who: keyof typeof UNITS, submissionId: string, title: string, practices: string) {
  await h.upload(roundId, UNITS[who].unitCode, submissionId, { title, unit: UNITS[who].unit, practices });
  return settled(roundId, submissionId);
}

const nearDuplicates = (submission: Submission) => (submission.warnings ?? []).filter((w) => w.code === 'DUPLICATE_NEAR');

describe('near duplicates', () => {
  it('a copy in Simplified of another unit’s case of the same round is a warning naming that case', async () => {
    await db.store.rounds.createRound(testRound('r-dup'));
    harness = createHarness(db.store);
    const text = randomPractices(1);
    const first = await submit(harness, 'r-dup', 'liwan', 's-dup-1', '代表聯絡站建設創新', text);
    expect(nearDuplicates(first)).toEqual([]);
    const copy = await submit(harness, 'r-dup', 'luohu', 's-dup-2', '另一個題目的申報', toHans(`我們的做法：${text}`));
    expect(copy.status).toBe('STORED');
    const warnings = nearDuplicates(copy);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message.en).toContain(caseIdFor('r-dup', UNITS.liwan.unitCode));
    expect(warnings[0]!.message.en).toContain('round 6');
    // An unrelated third dossier is warned about nothing.
    expect(nearDuplicates(await submit(harness, 'r-dup', 'xiangzhou', 's-dup-3', '預算聯網監督', randomPractices(2)))).toEqual([]);
  });

  it("a unit's new version is not a duplicate of its own case; a text it replaced stops matching", async () => {
    await db.store.rounds.createRound(testRound('r-super'));
    harness = createHarness(db.store);
    const original = randomPractices(3);
    await submit(harness, 'r-super', 'liwan', 's-super-1', '代表會客廳議事機制', original);
    const v2 = await submit(harness, 'r-super', 'liwan', 's-super-2', '代表會客廳議事機制', `${original}並持續改進。`);
    expect(v2.status).toBe('STORED');
    expect(nearDuplicates(v2)).toEqual([]);
    const v3 = await submit(harness, 'r-super', 'liwan', 's-super-3', '預算審查監督改革', randomPractices(4));
    expect(nearDuplicates(v3)).toEqual([]);
    expect((await db.store.cases.requireCase(caseIdFor('r-super', UNITS.liwan.unitCode))).currentVersion).toBe(3);
    // (Titles differ between tests: an equal title is a duplicate too, across rounds.)
    // Another unit copying the replaced text: 荔灣's case no longer says that, so no warning.
    const later = await submit(harness, 'r-super', 'gaoming', 's-super-4', '鎮街人大規範化建設', original);
    expect(nearDuplicates(later)).toEqual([]);
    // …while copying the current text is caught.
    const copy = await submit(harness, 'r-super', 'xiangzhou', 's-super-5', '鎮人大主席團建設', randomPractices(4));
    expect(nearDuplicates(copy).map((w) => w.message.en)).toEqual([expect.stringContaining(caseIdFor('r-super', UNITS.liwan.unitCode))]);
  });

  it('after backfilling the round-5 page, copying a round-5 case warns naming that past case; backfilling again changes nothing', async () => {
    const page = importAnnouncement(SEED);
    const options = { year: 2023, sourceName: 'announcement-round5.txt', sourceSha256: sha256Hex(SEED) };
    const first = await backfillRound({ store: db.store, clock: fixedClock }, page, options);
    expect(first.roundCreated).toBe(true);
    expect(first.cases).toHaveLength(12);
    expect(first.skipped).toEqual([]);
    const past = await db.store.rounds.requireRound(first.roundId);
    expect(past).toMatchObject({ status: 'APPROVED', charter: { number: 5, year: 2023 } });
    expect(past.approvedList).toHaveLength(12);
    expect((await db.store.cases.listCasesByRound(first.roundId, 'APPROVED')).length).toBe(12);

    const snapshot = async () => ({
      round: await db.store.rounds.getRound(first.roundId),
      cases: await db.store.cases.listCasesByRound(first.roundId),
      audit: await db.store.audit.listAudit(first.roundId),
    });
    const before = await snapshot();
    const again = await backfillRound({ store: db.store, clock: { now: () => new Date('2026-03-01T00:00:00.000Z') } }, page, options);
    expect(again.roundCreated).toBe(false);
    expect(again.cases.every((c) => !c.created)).toBe(true);
    expect(await snapshot()).toEqual(before);

    // 荔灣's round-5 case, resubmitted by 羅湖 this year in Simplified with a new opening line.
    const liwan5 = page.cases.find((c) => c.unit === UNITS.liwan.unit)!;
    await db.store.rounds.createRound(testRound('r-cross'));
    harness = createHarness(db.store);
    const copy = await submit(harness, 'r-cross', 'luohu', 's-cross-1', '重大事項報告制度', toHans(`本區的做法如下。${liwan5.practices}`));
    const warnings = nearDuplicates(copy);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message.zh).toContain('第 5 屆');
    expect(warnings[0]!.message.en).toContain(caseIdFor(first.roundId, UNITS.liwan.unitCode));
    expect(warnings[0]!.message.en).toContain(liwan5.title);
  });

  it('validation reads the same number of items with 10 or 40 other cases stored', async () => {
    const roundId = 'r-scale';
    await db.store.rounds.createRound(testRound(roundId, 'OPEN', testCharter({ number: 7 })));
    harness = createHarness(db.store);
    const counts: Record<string, number> = {};
    const doc = new Proxy(db.store.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string } }, ...rest: unknown[]) => {
          counts[command.constructor.name] = (counts[command.constructor.name] ?? 0) + 1;
          return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
        };
      },
    });
    const counted = new Store({ doc, tableName: db.tableName });
    const deps = { ...harness.deps, store: counted };

    let stored = 0;
    const storeCases = async (n: number) => {
      for (let i = 0; i < n; i++, stored++) {
        const caseId = `c-scale-${stored}`;
        const practicesText = randomPractices(1000 + stored);
        await db.store.cases.createCase(
          {
            caseId,
            roundId,
            unitCode: `scale-${stored}`,
            unitName: 'x',
            city: '440100',
            level: 'county',
            title: `案例${stored}`,
            currentVersion: 1,
            currentSubmissionId: `s-${stored}`,
            status: 'IN_REVIEW',
            createdAt: '2026-01-01T00:00:00Z',
            updatedAt: '2026-01-01T00:00:00Z',
          },
          {
            caseId,
            roundId,
            version: 1,
            submissionId: `s-${stored}`,
            dossier: { title: `案例${stored}`, practices: { text: practicesText } },
            createdAt: '2026-01-01T00:00:00Z',
          },
        );
        await indexCaseVersion(
          db.store,
          { caseId, roundId, roundNumber: 7, unitCode: `scale-${stored}`, title: `案例${stored}`, version: 1 },
          { title: `案例${stored}`, practicesText },
        );
      }
    };
    const validateOne = async (submissionId: string, practices: string) => {
      const key = `dossiers/${roundId}/${UNITS.liwan.unitCode}/${submissionId}/dossier.md`;
      harness!.objects.put(key, renderMarkdown({ title: '規模測試的申報題目', unit: UNITS.liwan.unit, practices, round: 7 }));
      await parseUpload(harness!.deps, { bucket: 'dossiers', key, versionId: null });
      for (const name of Object.keys(counts)) delete counts[name];
      await validateSubmission(deps, { roundId, submissionId });
      return { ...counts };
    };

    await storeCases(10);
    const small = await validateOne('s-scale-a', randomPractices(1005));
    await storeCases(30);
    const large = await validateOne('s-scale-b', randomPractices(1005));
    // One Query of the signature log's unread tail, however many buckets (the 50 practices buckets
    // and the title's) and cases; audit appends read nothing. The round and the submission are
    // one batch; the copy of case 5's text is the one candidate, read in one batch with any others.
    expect(large).toEqual(small);
    expect(large.QueryCommand).toBe(1);
    expect(large.BatchGetCommand).toBe(2);
    expect(large.GetCommand).toBeUndefined();
    const submission = await db.store.submissions.getSubmission(roundId, 's-scale-b');
    expect(nearDuplicates(submission!).map((w) => w.message.en)).toEqual([expect.stringContaining('c-scale-5')]);
  });
});
