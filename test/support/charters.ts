/**
 * The charters and people tests and the bench play rounds with, in one place. Each builder is
 * the smallest valid charter for one kind of test (its numbers, deadlines and panel are what
 * those tests' assertions rely on); all share the base below. The demo's own cast and charter are
 * data (data/demo/scenario/), read by cli/support/demo-scenario.ts.
 */
import { charterSchema, type Charter } from '../../src/domain/model';

/** The people of the local-cloud, e2e and browser tests (tokens minted for them by the local issuer). */
export const SECRETARIAT = { sub: 'office-1', name: '省人大辦公室', groups: ['secretariat'] };
export const APPROVER = { sub: 'approver-1', name: '主任會議', groups: ['approver'] };
export const REVIEWERS = [
  { sub: 'reviewer-1', name: '評審一', groups: ['reviewer'] },
  { sub: 'reviewer-2', name: '評審二', groups: ['reviewer'] },
  { sub: 'reviewer-3', name: '評審三', groups: ['reviewer'] },
];

/** What every test charter has: both eligible levels, Traditional script. */
const base = (): Pick<Charter, 'script' | 'eligibleLevels'> => ({ script: 'hant', eligibleLevels: ['county', 'township'] });

/** The HTTP API's unit tests (round 9 of 2030, five reviewers, one from the applicant's city). */
export function apiCharter(overrides: Partial<Charter> = {}): Charter {
  return {
    ...base(),
    number: 9,
    year: 2030,
    theme: '發展和完善全過程人民民主的基層實踐',
    submissionDeadline: '2030-06-30T16:00:00+08:00',
    reviewDeadline: '2030-07-31T16:00:00+08:00',
    rubric: {
      maxScore: 10,
      criteria: [
        {
          id: 'innovation',
          name: { zh: '創新性', en: 'Innovation' },
          weight: 1,
          descriptors: [
            { min: 0, max: 4, text: { zh: '沿用既有做法', en: 'Follows existing practice' } },
            { min: 5, max: 10, text: { zh: '有明顯創新', en: 'Clearly new' } },
          ],
        },
      ],
    },
    panel: [
      { id: 'rev-1', name: '評審一', jurisdictions: [], declaredConflicts: [] },
      { id: 'rev-2', name: '評審二', jurisdictions: [], declaredConflicts: [] },
      { id: 'rev-3', name: '評審三', jurisdictions: [], declaredConflicts: [] },
      { id: 'rev-4', name: '評審四', jurisdictions: [], declaredConflicts: [] },
      // from the applicant's own city: never sees its cases
      { id: 'rev-5', name: '評審五', jurisdictions: ['440100'], declaredConflicts: [] },
    ],
    reviewersPerCase: 3,
    quorum: 2,
    blindReview: true,
    quotas: { total: 12, perLevel: {} },
    noticePeriodDays: 5,
    timeouts: { eligibilitySeconds: 86400, panelSeconds: 86400, leadershipSeconds: 86400, objectionRulingSeconds: 86400 },
    ...overrides,
  };
}

/** The site renderer's tests (round 5 of 2023, a published round). */
export function siteCharter(overrides: Partial<Charter> = {}): Charter {
  return {
    ...base(),
    number: 5,
    year: 2023,
    theme: '發展和完善全過程人民民主的基層實踐',
    submissionDeadline: '2023-04-30T23:59:59+08:00',
    reviewDeadline: '2023-05-31T23:59:59+08:00',
    rubric: {
      maxScore: 10,
      criteria: [
        {
          id: 'innovation',
          name: { zh: '創新性', en: 'Innovation' },
          weight: 1,
          descriptors: [{ min: 0, max: 10, text: { zh: '—', en: '—' } }],
        },
      ],
    },
    panel: [{ id: 'r1', name: 'Reviewer', jurisdictions: [], declaredConflicts: [] }],
    reviewersPerCase: 3,
    quorum: 2,
    blindReview: false,
    quotas: { total: 12, perLevel: {} },
    noticePeriodDays: 7,
    timeouts: { eligibilitySeconds: 86400, panelSeconds: 86400, leadershipSeconds: 86400, objectionRulingSeconds: 86400 },
    ...overrides,
  };
}

/** The workflow tests (round 6, deadlines far ahead, four city reviewers, a one-second notice). */
export function workflowCharter(overrides: Partial<Charter> = {}): Charter {
  return charterSchema.parse({
    ...base(),
    number: 6,
    year: 2026,
    theme: '縣鄉人大工作創新案例',
    submissionDeadline: '2099-06-30T23:59:59+08:00',
    reviewDeadline: '2099-08-31T23:59:59+08:00',
    rubric: {
      maxScore: 10,
      criteria: [
        {
          id: 'innovation',
          name: { zh: '創新性', en: 'Innovation' },
          weight: 0.5,
          descriptors: [{ min: 0, max: 10, text: { zh: '創新', en: 'new' } }],
        },
        {
          id: 'impact',
          name: { zh: '實效性', en: 'Impact' },
          weight: 0.5,
          descriptors: [{ min: 0, max: 10, text: { zh: '實效', en: 'effect' } }],
        },
      ],
    },
    panel: [
      { id: 'rev-gz', name: '廣州評審', jurisdictions: ['440100'] },
      { id: 'rev-sz', name: '深圳評審', jurisdictions: ['440300'] },
      { id: 'rev-fs', name: '佛山評審', jurisdictions: ['440600'] },
      { id: 'rev-zh', name: '珠海評審', jurisdictions: ['440400'] },
    ],
    reviewersPerCase: 3,
    quorum: 2,
    quotas: { total: 2 },
    noticePeriodDays: 7,
    noticePeriodSecondsOverride: 1,
    timeouts: { eligibilitySeconds: 3600, panelSeconds: 3600, leadershipSeconds: 3600, objectionRulingSeconds: 3600 },
    ...overrides,
  });
}

/** A round on the local cloud (e2e, browser, bench): deadlines from now, the REVIEWERS as panel. */
export function cloudCharter(number: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const far = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  return {
    ...base(),
    number,
    year: 2026,
    theme: '踐行全過程人民民主 推動人大工作創新',
    submissionDeadline: far(30),
    reviewDeadline: far(60),
    rubric: {
      maxScore: 10,
      criteria: [
        {
          id: 'innovation',
          name: { zh: '創新性', en: 'Innovation' },
          weight: 0.5,
          descriptors: [{ min: 0, max: 10, text: { zh: '做法新穎', en: 'New practice' } }],
        },
        {
          id: 'impact',
          name: { zh: '實效性', en: 'Impact' },
          weight: 0.5,
          descriptors: [{ min: 0, max: 10, text: { zh: '成效明顯', en: 'Clear results' } }],
        },
      ],
    },
    panel: REVIEWERS.map((r) => ({ id: r.sub, name: r.name, jurisdictions: [], declaredConflicts: [] })),
    reviewersPerCase: 2,
    quorum: 2,
    blindReview: false,
    quotas: { total: 5 },
    noticePeriodDays: 5,
    noticePeriodSecondsOverride: 2,
    timeouts: { eligibilitySeconds: 1_209_600, panelSeconds: 1_209_600, leadershipSeconds: 1_209_600, objectionRulingSeconds: 1_209_600 },
    ...overrides,
  };
}
