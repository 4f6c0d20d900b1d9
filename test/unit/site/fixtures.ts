/**
 * Test data for the site: the seed announcement turned into store records, and small rounds
 * built by hand (with hostile text where a test needs it).
 */
import { siteCharter } from '../../support/charters';
import { readFileSync } from 'node:fs';
import { importAnnouncement } from '../../../src/domain/announcement';
import type { CaseRecord, Charter, Round, Script } from '../../../src/domain/model';
import type { PublicationCase, PublicationRound } from '../../../src/domain/site';
import { SEED_PATH } from '../../support/seed';

export { SEED_PATH };

export interface SeedCase {
  order: number;
  title: string;
  unit: string;
  practices: string;
  reason: string;
}

export interface SeedAnnouncement {
  number: number;
  theme: string;
  cases: SeedCase[];
}

/** The seed page through the intake domain's announcement importer, as the office would import it. */
export function readSeedAnnouncement(text = readFileSync(SEED_PATH, 'utf8')): SeedAnnouncement & { title: string | null } {
  const imported = importAnnouncement(text);
  return {
    number: imported.round.number ?? 0,
    title: imported.round.title,
    theme: imported.round.theme ?? '',
    cases: imported.cases.map((c) => ({ order: c.number, title: c.title, unit: c.unit, practices: c.practices, reason: c.reason })),
  };
}

export interface CaseInput {
  caseId: string;
  title: string;
  unitName: string;
  city?: string;
  practices: string;
  outcomes?: string;
  reason: string;
  status?: CaseRecord['status'];
  corrections?: CaseRecord['corrections'];
  updatedAt?: string;
}

export function publicationRound(options: {
  roundId: string;
  status: Round['status'];
  charter?: Partial<Charter>;
  approvedAt?: string;
  noticeEndsAt?: string;
  cases: CaseInput[];
}): PublicationRound {
  const cases: PublicationCase[] = options.cases.map((c) => ({
    record: {
      caseId: c.caseId,
      roundId: options.roundId,
      unitCode: `U-${c.caseId}`,
      unitName: c.unitName,
      city: c.city ?? c.unitName.slice(0, 3),
      level: 'county',
      title: c.title,
      currentVersion: 1,
      currentSubmissionId: `s-${c.caseId}`,
      status: c.status ?? (options.status === 'APPROVED' ? 'APPROVED' : 'SELECTED'),
      createdAt: '2023-04-01T00:00:00Z',
      updatedAt: c.updatedAt ?? '2023-06-01T00:00:00Z',
      reason: c.reason,
      ...(c.corrections ? { corrections: c.corrections } : {}),
    },
    practices: c.practices,
    ...(c.outcomes !== undefined ? { outcomes: c.outcomes } : {}),
  }));
  const round: Round = {
    roundId: options.roundId,
    charter: siteCharter(options.charter),
    status: options.status,
    createdAt: '2023-03-01T00:00:00Z',
    noticeEndsAt: options.noticeEndsAt ?? '2023-06-08T00:00:00+08:00',
    ...(options.status === 'APPROVED'
      ? {
          approvedAt: options.approvedAt ?? '2023-06-10T10:00:00+08:00',
          approvedList: options.cases.map((c, i) => ({ caseId: c.caseId, order: i + 1, reason: c.reason })),
        }
      : { shortlist: options.cases.map((c, i) => ({ caseId: c.caseId, rank: i + 1, score: 90 - i })) }),
  };
  return { round, cases };
}

/** The seed round as store records: case ids are system ids, never derived from the title. */
export function seedPublicationRound(seed = readSeedAnnouncement(), status: Round['status'] = 'APPROVED'): PublicationRound {
  return publicationRound({
    roundId: 'r2023-05',
    status,
    charter: { number: seed.number, theme: seed.theme },
    cases: seed.cases.map((c) => ({
      caseId: `c${String(c.order).padStart(3, '0')}`,
      title: c.title,
      unitName: c.unit,
      city: c.unit.slice(0, 3),
      practices: c.practices,
      reason: c.reason,
    })),
  });
}

export function smallRound(roundId: string, status: Round['status'], script: Script, cases: CaseInput[], number = 6): PublicationRound {
  return publicationRound({
    roundId,
    status,
    charter: { number, year: 2024, script, theme: script === 'hant' ? '全過程人民民主' : '全过程人民民主' },
    cases,
  });
}

/** Rounds that reach every page kind and every escaping and redaction path (the byte-for-byte site test). */
export function goldenRounds(): PublicationRound[] {
  const approved = seedPublicationRound();
  approved.cases[3]!.record.corrections = [
    { at: '2023-07-01T09:00:00+08:00', by: 'office-1', note: '更正主要做法中的文件名稱' },
    { at: '2023-06-20T09:00:00+08:00', by: 'office-1', note: '更正<單位>名稱 & "引號"' },
  ];
  approved.cases[1]!.record.status = 'WITHDRAWN';
  approved.cases[1]!.record.updatedAt = '2023-07-02T00:00:00Z';
  approved.cases[5] = { ...approved.cases[5]!, script: 'hans' };
  const hostile: CaseInput[] = [
    {
      caseId: 'n1',
      title: '<img src=x onerror=alert(1)>"\'&标题',
      unitName: '深圳市南山区人大常委会',
      practices: '一是<b>加强</b>联络站建设。\r\n\n二是联系人：张三，电话：0755-12345678，手机13812345678。\n  \n三是 x@example.com 反馈。',
      outcomes: '=SUM(A1)',
      reason: '成效明显（身份证440106199001011234）。',
    },
    { caseId: 'case with spaces/..', title: '普通标题', unitName: '广州市越秀区人大常委会', practices: '做法', reason: '理由' },
    { caseId: 'n3', title: '第三个', unitName: '珠海市香洲区人大常委会', practices: '', outcomes: '', reason: '' },
  ];
  const notice = smallRound('r6 notice', 'NOTICE', 'hans', hostile, 6);
  notice.round.noticeEndsAt = '2024-07-08T00:00:00+08:00';
  return [approved, notice];
}
