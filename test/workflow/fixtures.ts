/** Builders for rounds and cases used by the workflow tests. */
import { charterSchema, type Charter, type Round } from '../../src/domain/model';

export function testCharter(overrides: Partial<Charter> = {}): Charter {
  return charterSchema.parse({
    number: 6,
    year: 2026,
    theme: '縣鄉人大工作創新案例',
    eligibleLevels: ['county', 'township'],
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

export function testRound(roundId: string, status: Round['status'] = 'OPEN', charter: Charter = testCharter()): Round {
  return { roundId, charter, status, createdAt: '2026-01-01T00:00:00.000Z', openedAt: '2026-01-02T00:00:00.000Z' };
}
