import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { charterSchema, type Charter } from '../../../src/domain/model';
import {
  DEFAULT_RUBRIC,
  amendCharter,
  buildCharter,
  canonicalJson,
  charterSha256,
  defaultCharter,
  mergePatch,
} from '../../../src/domain/round/charter';
import { weightedTotal } from '../../../src/domain/scoring/aggregate';

const office = { by: { id: 'u-office', name: '秘書處' }, at: '2025-07-01T09:00:00+08:00', reason: '延長申報期限以便更多鄉鎮參與' };

describe('DEFAULT_RUBRIC', () => {
  it('has five weighted criteria summing to 1, each with bilingual bands covering 0..maxScore without gaps', () => {
    expect(DEFAULT_RUBRIC.criteria.map((criterion) => criterion.id)).toEqual([
      'innovation',
      'effectiveness',
      'replicability',
      'compliance',
      'participation',
    ]);
    expect(DEFAULT_RUBRIC.criteria.reduce((sum, criterion) => sum + criterion.weight, 0)).toBeCloseTo(1, 10);
    for (const criterion of DEFAULT_RUBRIC.criteria) {
      expect(criterion.descriptors[0]!.min).toBe(0);
      expect(criterion.descriptors.at(-1)!.max).toBe(DEFAULT_RUBRIC.maxScore);
      for (let index = 1; index < criterion.descriptors.length; index += 1) {
        expect(criterion.descriptors[index]!.min).toBe(criterion.descriptors[index - 1]!.max + 1);
      }
      for (const descriptor of criterion.descriptors) {
        expect(descriptor.text.zh).toMatch(/\p{Script=Han}/u);
        expect(descriptor.text.en).toMatch(/[a-z]/);
      }
    }
    const top = Object.fromEntries(DEFAULT_RUBRIC.criteria.map((criterion) => [criterion.id, 10]));
    expect(weightedTotal({ scores: top }, DEFAULT_RUBRIC)).toEqual({ ok: true, value: 10 });
  });
});

describe('defaultCharter / buildCharter', () => {
  it('builds a valid charter with the documented defaults', () => {
    const charter = defaultCharter({ year: 2026 });
    expect(charterSchema.safeParse(charter).success).toBe(true);
    expect(charter).toMatchObject({
      year: 2026,
      eligibleLevels: ['county', 'township'],
      reviewersPerCase: 3,
      quorum: 2,
      noticePeriodDays: 5,
      submissionDeadline: '2026-09-30T23:59:59+08:00',
    });
    expect(charter.timeouts.panelSeconds).toBeLessThanOrEqual(2_147_483);
  });

  it('returns coded bilingual issues for bad input instead of throwing', () => {
    const result = buildCharter({ theme: 'x', quorum: 5, bogus: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.code)).toEqual(['CHARTER_UNKNOWN_FIELD']);
    const crossField = buildCharter({ quorum: 4, reviewDeadline: '2020-01-01T00:00:00+08:00', year: 2025 });
    expect(crossField.ok ? [] : crossField.errors.map((error) => error.code).sort()).toEqual([
      'CHARTER_DEADLINES_ORDER',
      'CHARTER_QUORUM_TOO_HIGH',
    ]);
    const schema = buildCharter({ theme: 'x' });
    expect(schema.ok ? null : schema.errors[0]).toMatchObject({ code: 'CHARTER_INVALID_FIELD', field: 'theme' });
    expect(buildCharter('nope').ok).toBe(false);
    expect(() => defaultCharter({ quorum: 9 })).toThrow(/CHARTER_QUORUM_TOO_HIGH/);
  });

  it('refuses a level minimum for a level that may not apply, and minimums above the total', () => {
    const result = buildCharter({
      eligibleLevels: ['county'],
      quotas: { total: 2, perLevel: { township: { min: 1 }, county: { min: 3 } } },
    });
    expect(result.ok ? [] : result.errors.map((error) => error.code).sort()).toEqual([
      'CHARTER_QUOTA_LEVEL_NOT_ELIGIBLE',
      'CHARTER_QUOTA_TOTAL',
    ]);
  });
});

describe('canonicalJson and charterSha256', () => {
  it('sorts keys, drops whitespace and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: 'é' } })).toBe('{"a":{"c":"é","d":[3,{"z":1}]},"b":1}');
    expect(canonicalJson([undefined, Number.NaN])).toBe('[null,null]');
  });

  it('property: the hash of a charter does not depend on key order', () => {
    const charter = defaultCharter({ year: 2025 });
    const shuffle = (value: unknown, seed: number): unknown => {
      if (Array.isArray(value)) return value.map((item) => shuffle(item, seed + 1));
      if (value && typeof value === 'object') {
        const entries = Object.entries(value);
        const rotated = entries.map((_, index) => entries[(index + seed) % entries.length]!);
        return Object.fromEntries((seed % 2 ? rotated.reverse() : rotated).map(([key, item]) => [key, shuffle(item, seed * 7 + 3)]));
      }
      return value;
    };
    fc.assert(
      fc.property(fc.nat(1000), (seed) => {
        const reordered = shuffle(charter, seed) as Charter;
        expect(canonicalJson(reordered)).toBe(canonicalJson(charter));
        expect(charterSha256(reordered)).toBe(charterSha256(charter));
      }),
    );
    expect(charterSha256({ ...charter, theme: `${charter.theme}。` })).not.toBe(charterSha256(charter));
    expect(charterSha256(charter)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('amendCharter', () => {
  const charter = defaultCharter({ year: 2025 });

  it('records who, when, why, which fields changed and both hashes', () => {
    const result = amendCharter(charter, { submissionDeadline: '2025-10-15T23:59:59+08:00' }, office);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.charter.submissionDeadline).toBe('2025-10-15T23:59:59+08:00');
    expect(result.value.amendment).toMatchObject({
      by: office.by,
      at: office.at,
      reason: office.reason,
      changed: ['submissionDeadline'],
      beforeSha256: charterSha256(charter),
      afterSha256: charterSha256(result.value.charter),
    });
    expect(result.value.amendment.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('merges nested objects (quotas) and removes fields patched with null', () => {
    const result = amendCharter(
      { ...charter, noticePeriodSecondsOverride: 30 },
      { quotas: { maxPerCity: 3 }, noticePeriodSecondsOverride: null },
      office,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.charter.quotas).toEqual({ ...charter.quotas, maxPerCity: 3 });
    expect(result.value.charter.noticePeriodSecondsOverride).toBeUndefined();
    expect(result.value.amendment.changed).toEqual(['noticePeriodSecondsOverride', 'quotas']);
  });

  it('refuses a change without a reason, a no-op, and an invalid result', () => {
    expect(amendCharter(charter, { theme: '新主題新主題' }, { ...office, reason: ' ' })).toMatchObject({
      ok: false,
      errors: [{ code: 'CHARTER_AMEND_REASON_REQUIRED' }],
    });
    expect(amendCharter(charter, { theme: charter.theme }, office)).toMatchObject({ ok: false, errors: [{ code: 'CHARTER_AMEND_NOOP' }] });
    expect(amendCharter(charter, { quorum: 4 }, office)).toMatchObject({ ok: false, errors: [{ code: 'CHARTER_QUORUM_TOO_HIGH' }] });
  });

  it('freezes fields by stage: identity once open, rubric after the first score, quotas after the shortlist, everything after approval', () => {
    const codeOf = (patch: unknown, progress: Parameters<typeof amendCharter>[3]) => {
      const result = amendCharter(charter, patch, office, progress);
      return result.ok ? 'ok' : result.errors.map((error) => `${error.code}:${error.field}`).join(',');
    };
    const open = { status: 'OPEN' as const, scoresRecorded: false };
    expect(
      codeOf(
        { year: 2026, submissionDeadline: '2026-09-30T23:59:59+08:00', reviewDeadline: '2026-11-15T23:59:59+08:00' },
        { status: 'DRAFT', scoresRecorded: false },
      ),
    ).toBe('ok');
    expect(codeOf({ number: 7 }, open)).toBe('CHARTER_FIELD_FROZEN:number');
    expect(codeOf({ submissionDeadline: '2025-09-01T00:00:00+08:00' }, open)).toBe('CHARTER_FIELD_FROZEN:submissionDeadline');
    expect(codeOf({ eligibleLevels: ['county'], quotas: { perLevel: { township: null } } }, open)).toBe(
      'CHARTER_FIELD_FROZEN:eligibleLevels',
    );
    const rubric = { ...DEFAULT_RUBRIC, maxScore: 100 };
    expect(codeOf({ rubric }, open)).toBe('ok');
    expect(codeOf({ rubric }, { status: 'OPEN', scoresRecorded: true })).toBe('CHARTER_FIELD_FROZEN:rubric');
    expect(codeOf({ quotas: { total: 10 } }, { status: 'CLOSED', scoresRecorded: true })).toBe('ok');
    expect(codeOf({ quotas: { total: 10 } }, { status: 'SHORTLISTED', scoresRecorded: true })).toBe('CHARTER_FIELD_FROZEN:quotas');
    expect(codeOf({ noticePeriodDays: 7 }, { status: 'NOTICE', scoresRecorded: true })).toBe('CHARTER_FIELD_FROZEN:noticePeriodDays');
    expect(codeOf({ theme: '新主題新主題' }, { status: 'APPROVED', scoresRecorded: true })).toBe('CHARTER_FIELD_FROZEN:theme');
  });
});

describe('mergePatch', () => {
  it('follows RFC 7396', () => {
    expect(mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(mergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(mergePatch({ a: 1 }, ['x'])).toEqual(['x']);
  });
});
