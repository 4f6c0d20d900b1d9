/**
 * The issues a submission item keeps: all of them whenever they fit (so nothing changes for any
 * dossier that could be stored before), and past the budget a prefix of the near-duplicate
 * warnings plus one warning that counts the rest — never more bytes than the budget.
 */
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import type { Issue } from '../../src/domain/model';
import { issuesForSubmissionItem, STORED_ISSUES_BUDGET_BYTES } from '../../src/usecases/intake/validate';
import { startTestTable } from '../support/dynamodb';

const near = (i: number, title: string): Issue => ({
  code: 'DUPLICATE_NEAR',
  field: 'practices',
  message: {
    zh: `本申報書與第 900 屆案例 c-${i}(「${title}」)內容高度相似(相似度 94%)。`,
    en: `This dossier is very similar to case c-${i} of round 900 ("${title}"; 94% similar).`,
  },
});
const other = (code: string): Issue => ({ code, field: 'contact', message: { zh: `提示 ${code}`, en: `note ${code}` } });
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

const issuesArb = fc.record({
  errors: fc.array(fc.constantFrom('UNIT_UNKNOWN', 'TITLE_TOO_LONG').map(other), { maxLength: 3 }),
  warnings: fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.tuple(fc.nat(99_999), fc.string({ maxLength: 60 })).map(([i, t]) => near(i, t)) },
      { weight: 1, arbitrary: fc.constantFrom('CONTACT_MISSING', 'MOJIBAKE').map(other) },
    ),
    { maxLength: 120 },
  ),
  budget: fc.integer({ min: 2_000, max: 40_000 }),
});

describe('issues kept on the submission item', () => {
  it('keeps everything, unchanged, when it fits', () => {
    fc.assert(
      fc.property(issuesArb, ({ errors, warnings }) => {
        const budget = bytes({ errors, warnings });
        expect(issuesForSubmissionItem(errors, warnings, 'reports/s.json', budget)).toEqual({ errors, warnings });
      }),
    );
  });

  it('past the budget: every error and other warning, near duplicates in order up to the budget, and a count of the rest', () => {
    fc.assert(
      fc.property(issuesArb, ({ errors, warnings, budget }) => {
        const out = issuesForSubmissionItem(errors, warnings, 'reports/s.json', budget);
        if (bytes({ errors, warnings }) <= budget) return;
        expect(out.errors).toEqual(errors);
        const nearIn = warnings.filter((w) => w.code === 'DUPLICATE_NEAR');
        const nearOut = out.warnings.filter((w) => w.code === 'DUPLICATE_NEAR');
        expect(nearOut).toEqual(nearIn.slice(0, nearOut.length));
        expect(out.warnings.filter((w) => w.code !== 'DUPLICATE_NEAR' && w.code !== 'DUPLICATE_NEAR_MORE')).toEqual(
          warnings.filter((w) => w.code !== 'DUPLICATE_NEAR'),
        );
        const more = out.warnings.at(-1)!;
        expect(more.code).toBe('DUPLICATE_NEAR_MORE');
        expect(more.message.en).toContain(`${nearIn.length - nearOut.length} more`);
        expect(more.message.zh).toContain(`另有 ${nearIn.length - nearOut.length} 個`);
        expect(more.message.en).toContain('reports/s.json');
        if (bytes({ errors, warnings: out.warnings.filter((w) => w.code !== 'DUPLICATE_NEAR') }) <= budget)
          expect(bytes(out)).toBeLessThanOrEqual(budget);
      }),
    );
  });

  it('a dossier repeating 1,249 stored cases (the 10,000th of the growth bench) keeps a DynamoDB-sized list instead of failing its update', () => {
    const warnings = Array.from({ length: 1249 }, (_, i) => near(i, `探索建立“重大司法等事項”報告工作機制(${i * 8 + 1})`));
    expect(bytes(warnings)).toBeGreaterThan(400_000);
    const out = issuesForSubmissionItem([], warnings, 'reports/s.json');
    expect(bytes(out)).toBeLessThanOrEqual(STORED_ISSUES_BUDGET_BYTES);
    expect(out.warnings.length).toBeGreaterThan(800);
    // ~900 listed: every dossier with fewer near duplicates than that keeps its full list
  });

  it('on DynamoDB Local: the full list of 1,249 fails the status update (item over 400 KB), the kept one is stored', async () => {
    const db = await startTestTable();
    try {
      const warnings = Array.from({ length: 1249 }, (_, i) => near(i, `探索建立“重大司法等事項”報告工作機制(${i * 8 + 1})`));
      await db.store.submissions.recordSubmission({
        submissionId: 's-big',
        roundId: 'r-big',
        unitCode: '440103',
        key: 'dossiers/r-big/440103/s-big/d.md',
        fileName: 'd.md',
        status: 'PARSED',
        createdAt: '2026-03-01T00:00:00.000Z',
        errors: [],
        warnings: [],
      });
      await expect(
        db.store.submissions.updateSubmissionStatus('r-big', 's-big', 'VALID', { errors: [], warnings }, ['PARSED']),
      ).rejects.toThrow(/size/i);
      const kept = issuesForSubmissionItem([], warnings, 'reports/s-big.json');
      await db.store.submissions.updateSubmissionStatus('r-big', 's-big', 'VALID', kept, ['PARSED']);
      expect((await db.store.submissions.getSubmission('r-big', 's-big'))!.warnings).toEqual(kept.warnings);
    } finally {
      await db.stop();
    }
  });
});
