import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { importAnnouncement } from '../../../src/domain/announcement';
import { NEAR_DUPLICATE_THRESHOLD } from '../../../src/domain/dossier';
import {
  BANDS,
  ROWS,
  candidateProbability,
  duplicateKeys,
  estimateSimilarity,
  jaccard,
  shingles,
  signature,
} from '../../../src/domain/similarity';
import { toHant } from '../../../src/domain/text';
import { SEED_PATH } from '../../support/seed';

// A vocabulary of common CJK characters, so random texts look like dossiers to the shingler.
const VOCABULARY = [
  ...'人大代表工作機制群眾意見建議辦理監督聯絡站基層民主實踐創新推動完善制度規範服務開展組織參與決策協商公開反饋問題解決發展治理鄉鎮街道社區縣區市會議審議報告專題調研執法檢查預算財政經濟項目標準化常態化平台線上線下直播選民履職述職評議督辦閉環全過程',
];
const char = fc.integer({ min: 0, max: VOCABULARY.length - 1 }).map((i) => VOCABULARY[i]!);
const text = (min: number, max: number) => fc.array(char, { minLength: min, maxLength: max }).map((chars) => chars.join(''));

const shareBucket = (a: string, b: string) => {
  const mine = new Set(duplicateKeys({ title: '', practicesText: a }));
  return duplicateKeys({ title: '', practicesText: b }).some((key) => mine.has(key));
};

/** Replaces `edits` positions of `base` with characters drawn by `pick`. */
function edited(base: string, edits: { at: number; to: string }[]): string {
  const chars = [...base];
  for (const { at, to } of edits) chars[at % chars.length] = to;
  return chars.join('');
}

describe('MinHash + LSH for near duplicates', () => {
  it('banding is steep around the rules threshold: a pair at the threshold is a candidate 98% of the time, at half of it about 10%', () => {
    expect(BANDS * ROWS).toBe(250);
    expect(candidateProbability(NEAR_DUPLICATE_THRESHOLD)).toBeGreaterThan(0.98);
    expect(candidateProbability(NEAR_DUPLICATE_THRESHOLD / 2)).toBeLessThan(0.12);
    expect(candidateProbability(0.1)).toBeLessThan(0.001);
  });

  it('is deterministic: fixed hash family, same keys in every process (stored buckets stay valid)', () => {
    const keys = duplicateKeys({
      title: '代表聯絡站',
      practicesText: '組織代表深入基層聽取群眾意見，形成問題清單並督促有關部門限期辦理。',
    });
    expect(keys).toHaveLength(BANDS + 1);
    expect(keys[0]).toMatch(/^00#[0-9a-f]{16}$/);
    expect(keys.at(-1)).toMatch(/^T#[0-9a-f]{16}$/);
    // Pinned: a change of seed or hash re-buckets every stored case and needs a rebuild of the index.
    expect(keys[0]).toBe('00#5d0787e90fc43967');
  });

  it('identical texts always collide, also when one is written in the other script', () => {
    fc.assert(
      fc.property(text(2, 400), (practices) => {
        const a = duplicateKeys({ title: '', practicesText: practices });
        expect(duplicateKeys({ title: '', practicesText: practices })).toEqual(a);
        expect(duplicateKeys({ title: '', practicesText: toHant(practices) })).toEqual(a);
        expect(a).toHaveLength(BANDS);
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  it('similar texts (bigram Jaccard ≥ the threshold) collide with high probability', () => {
    let similar = 0;
    let collided = 0;
    fc.assert(
      fc.property(text(150, 400), fc.array(fc.record({ at: fc.nat(), to: char }), { maxLength: 20 }), (base, edits) => {
        const copy = edited(base, edits);
        if (jaccard(shingles(base), shingles(copy)) < NEAR_DUPLICATE_THRESHOLD) return;
        similar += 1;
        if (shareBucket(base, copy)) collided += 1;
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(similar).toBeGreaterThan(200);
    expect(collided / similar).toBeGreaterThanOrEqual(0.97);
  });

  it('random unrelated texts rarely collide', () => {
    let pairs = 0;
    let collided = 0;
    fc.assert(
      fc.property(text(150, 400), text(150, 400), (a, b) => {
        pairs += 1;
        if (shareBucket(a, b)) collided += 1;
      }),
      { numRuns: 300, seed: 17 },
    );
    expect(pairs).toBe(300);
    expect(collided / pairs).toBeLessThanOrEqual(0.01);
  });

  it('the signature estimates the Jaccard similarity the rules compute', () => {
    fc.assert(
      fc.property(text(150, 400), fc.array(fc.record({ at: fc.nat(), to: char }), { maxLength: 60 }), (base, edits) => {
        const copy = edited(base, edits);
        const exact = jaccard(shingles(base), shingles(copy));
        expect(Math.abs(estimateSimilarity(signature(shingles(base)), signature(shingles(copy))) - exact)).toBeLessThan(0.15);
      }),
      { numRuns: 100, seed: 23 },
    );
  });

  it("round 5's published cases are not candidates of one another; each is one of an edited copy of itself", () => {
    const { cases } = importAnnouncement(readFileSync(SEED_PATH, 'utf8'));
    expect(cases).toHaveLength(12);
    for (let i = 0; i < cases.length; i++) {
      for (let j = i + 1; j < cases.length; j++) expect(shareBucket(cases[i]!.practices, cases[j]!.practices)).toBe(false);
      // A copy with its opening sentence rewritten and every tenth character changed.
      const chars = [...cases[i]!.practices];
      const copy = `我們的做法是：${chars.map((c, k) => (k % 10 === 5 ? '新' : c)).join('')}`;
      expect(jaccard(shingles(cases[i]!.practices), shingles(copy))).toBeGreaterThanOrEqual(NEAR_DUPLICATE_THRESHOLD);
      expect(shareBucket(cases[i]!.practices, copy)).toBe(true);
    }
  });

  it('a text with nothing to compare has no practices buckets; an equal title is its own bucket', () => {
    expect(duplicateKeys({ title: '', practicesText: '。，' })).toEqual([]);
    const a = duplicateKeys({ title: '禾坪說事', practicesText: '' });
    expect(a).toEqual(duplicateKeys({ title: '禾坪说事！', practicesText: '' }));
    expect(a).toHaveLength(1);
  });
});
