/**
 * The office's exports of an approved round through the real router and the real store on
 * DynamoDB Local: the JSON, the Word document read back (mammoth, and the package's own XML for
 * styles and page numbers) against the published round page, the Excel workbook read back with
 * ExcelJS against the JSON, and what must never be exported (a withdrawn case, an objection's
 * contact, a blind round's reviewer identities).
 */
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { buildHandlers } from '../../../src/api/app';
import { createRouter, type HttpResult } from '../../../src/api/router';
import { StorePublicationSource } from '../../../src/adapters/site-source';
import type { RoundExport } from '../../../src/domain/export/model';
import { readZip } from '../../../src/domain/dossier/zip';
import { DEFAULT_LIMITS } from '../../../src/domain/dossier/schema';
import type { CaseRecord, Round } from '../../../src/domain/model';
import { buildSnapshot, renderSite, sitePaths } from '../../../src/domain/site';
import type { ApiDeps } from '../../../src/usecases/api/ports';
import { startTestTable, type TestTable } from '../../support/dynamodb';
import { annexEntries, fileText } from '../site/support';
import { httpEvent, type Caller } from './fixtures';
import { apiCharter as charter } from '../../support/charters';

const NOW = new Date('2030-08-01T00:00:00Z');
const OFFICE: Caller = { sub: 'office-1', name: '辦公室', groups: ['secretariat'] };
const APPROVER: Caller = { sub: 'lead-1', name: '領導', groups: ['approver'] };
const REVIEWERS = ['rev-alpha', 'rev-beta', 'rev-gamma'];
const CONTACT = 'objector@example.org 13900001111';

let db: TestTable;
let api: (e: ReturnType<typeof httpEvent>) => Promise<HttpResult>;

interface Seeded {
  caseId: string;
  unit: string;
  city: string;
  level: CaseRecord['level'];
  title: string;
  practices: string;
  status: CaseRecord['status'];
  score: { rawMean: number; normalizedMean: number; spread: number; count: number };
  reason?: string;
}

const CASES: Seeded[] = [
  {
    caseId: 'c-heping',
    unit: '河源市紫金縣鳳安鎮人大',
    city: '河源市',
    level: 'township',
    title: '開展“禾坪說事”活動的做法和成效',
    practices: '鳳安鎮人大把村民聚在禾坪上議事。\n二是建立代表聯絡站，聯繫人李四，手機13812345678。',
    status: 'APPROVED',
    score: { rawMean: 8.5, normalizedMean: 8.25, spread: 1.5, count: 3 },
    reason: '把民主協商搬到群眾家門口。',
  },
  {
    caseId: 'c-withdrawn',
    unit: '深圳市羅湖區人大常委會',
    city: '深圳市',
    level: 'county',
    title: '已撤銷的案例標題',
    practices: '撤銷案例的做法。',
    status: 'WITHDRAWN',
    score: { rawMean: 8.1, normalizedMean: 8.0, spread: 1, count: 3 },
    reason: '撤銷前的理由。',
  },
  {
    caseId: 'c-xiangzhou',
    unit: '珠海市香洲區人大常委會',
    // stored by its code, as intake stores every case's city; the exports name the city
    city: '440400',
    level: 'county',
    title: '打造一體化代表聯絡站',
    practices: '推動代表聯絡站點一體化建設。',
    status: 'APPROVED',
    score: { rawMean: 7.75, normalizedMean: 7.9, spread: 2.25, count: 3 },
    reason: '密切代表同人民群眾聯繫。',
  },
  {
    caseId: 'c-passed',
    unit: '廣州市越秀區人大常委會',
    city: '廣州市',
    level: 'county',
    title: '代表夜訪',
    practices: '夜間接待群眾。',
    status: 'NOT_SELECTED',
    score: { rawMean: 7.5, normalizedMean: 7.4, spread: 0.5, count: 2 },
  },
];

async function seed(t: TestTable, roundId: string, status: Round['status'], blindReview: boolean) {
  const s = t.store;
  // case ids carry the round, so the rounds share no records
  const id = (c: Seeded) => `${roundId}-${c.caseId}`;
  const approvedList = CASES.filter((c) => c.reason).map((c, i) => ({ caseId: id(c), order: i + 1, reason: c.reason! }));
  await s.rounds.createRound({
    roundId,
    charter: charter({
      number: 5,
      blindReview,
      quotas: { total: 3, maxPerCity: 2, perLevel: { township: { min: 1 }, county: { max: 2 } } },
      panel: REVIEWERS.map((id, i) => ({ id, name: `評審專家${'甲乙丙'[i]}`, jurisdictions: [], declaredConflicts: [] })),
      rubric: {
        maxScore: 10,
        criteria: [
          {
            id: 'innovation',
            name: { zh: '創新性', en: 'Innovation' },
            weight: 0.6,
            descriptors: [{ min: 0, max: 10, text: { zh: '—', en: '—' } }],
          },
          {
            id: 'impact',
            name: { zh: '實效性', en: 'Impact' },
            weight: 0.4,
            descriptors: [{ min: 0, max: 10, text: { zh: '—', en: '—' } }],
          },
        ],
      },
    }),
    status,
    createdAt: NOW.toISOString(),
    shortlist: CASES.filter((c) => c.status !== 'NOT_SELECTED').map((c, i) => ({
      caseId: id(c),
      rank: i + 1,
      score: c.score.normalizedMean,
      ...(i === 2 ? { explanation: { zh: '因地市名額調整上移', en: 'moved up for the city quota' } } : {}),
    })),
    ...(status === 'APPROVED' ? { approvedList, approvedAt: '2030-07-20T02:00:00.000Z' } : {}),
  });
  for (const c of CASES) {
    const record: CaseRecord = {
      caseId: `${roundId}-${c.caseId}`,
      roundId,
      unitCode: `U${c.caseId}`,
      unitName: c.unit,
      city: c.city,
      level: c.level,
      title: c.title,
      currentVersion: 1,
      currentSubmissionId: `sub-${c.caseId}`,
      status: c.status,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      score: { ...c.score, outliers: [] },
      ...(c.reason ? { reason: c.reason } : {}),
    };
    await s.cases.createCase(record, {
      caseId: record.caseId,
      roundId,
      version: 1,
      submissionId: record.currentSubmissionId,
      dossier: { title: c.title, practices: { text: c.practices }, contactPhone: '13812345678' },
      createdAt: NOW.toISOString(),
    });
    await s.reviews.assignReviewers(roundId, record.caseId, REVIEWERS.slice(0, c.score.count), NOW.toISOString());
    for (const [i, reviewer] of REVIEWERS.slice(0, c.score.count).entries()) {
      await s.reviews.recordScore(
        record.caseId,
        reviewer,
        { scores: { innovation: 7 + i, impact: 9 - i }, comment: `我是${reviewer}` },
        7.5 + i * 0.25,
        NOW.toISOString(),
      );
    }
  }
  await s.audit.appendAudit({
    roundId,
    at: NOW.toISOString(),
    actor: { id: 'workflow', name: 'workflow' },
    action: 'ROUND_SHORTLISTED',
    subject: `round:${roundId}`,
    change: {
      passedOver: [
        {
          caseId: `${roundId}-c-passed`,
          code: 'CITY_MAX',
          reason: { zh: '廣州市已達每市名額上限', en: 'Guangzhou is at its city maximum' },
        },
      ],
    },
  });
  await s.objections.fileObjection({
    objectionId: `o-${roundId}`,
    roundId,
    caseId: `${roundId}-c-heping`,
    text: '此案例做法早於申報年度。',
    contact: CONTACT,
    filedAt: NOW.toISOString(),
    status: 'DISMISSED',
  });
}

beforeAll(async () => {
  db = await startTestTable('casebook-exports');
  await seed(db, 'blind-r', 'APPROVED', true);
  await seed(db, 'open-r', 'APPROVED', false);
  await seed(db, 'notice-r', 'NOTICE', false);
  const deps: ApiDeps = {
    store: db.store,
    uploads: { presignPut: async () => 'http://unused' },
    workflows: { startFinalization: async () => 'arn:unused' },
    decide: async () => {
      throw new Error('not used');
    },
    now: () => NOW,
    newId: () => 'id-1',
  };
  api = createRouter({ fn: 'api', handlers: buildHandlers(deps) });
}, 120_000);

afterAll(async () => {
  await db?.stop();
});

async function exportOf(roundId: string, caller: Caller = OFFICE): Promise<RoundExport> {
  const res = await api(httpEvent('GET', `/rounds/${roundId}/export`, caller));
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body) as RoundExport;
}

async function fileOf(roundId: string, format: 'docx' | 'xlsx', caller: Caller = OFFICE): Promise<Buffer> {
  const res = await api(httpEvent('GET', `/rounds/${roundId}/export`, caller, undefined, { query: { format } }));
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.isBase64Encoded).toBe(true);
  expect(res.headers['content-disposition']).toBe(
    `attachment; filename="${roundId}-${format === 'docx' ? 'announcement' : 'scores'}.${format}"`,
  );
  return Buffer.from(res.body, 'base64');
}

async function zipEntries(bytes: Buffer) {
  return (await readZip(bytes, DEFAULT_LIMITS, { readContents: true, field: 'docx' })).entries;
}

async function zipText(bytes: Buffer, name: string): Promise<string> {
  const entry = (await zipEntries(bytes)).find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name} in the package`);
  return entry.bytes.toString('utf8');
}

/** The published round page of the same store data, as the publisher renders it. */
async function publishedAnnex(roundId: string) {
  const rounds = (await new StorePublicationSource(db.store).loadRounds()).filter((r) => r.round.roundId === roundId);
  const site = renderSite(buildSnapshot(rounds), { baseUrl: 'https://cases.example.org/' });
  return annexEntries(fileText(site, sitePaths.round('hant', roundId)));
}

const squash = (text: string) => text.replace(/\s+/g, '');

describe('GET /rounds/{roundId}/export', () => {
  it('gives the announcement and annex exactly as the published page words them, without the withdrawn case', async () => {
    const data = await exportOf('open-r');
    const page = await publishedAnnex('open-r');
    expect(data.cases.map((c) => c.caseId)).toEqual(['open-r-c-heping', 'open-r-c-xiangzhou']);
    expect(page).toHaveLength(data.cases.length);
    data.cases.forEach((c, i) => {
      expect(c.title).toBe(page[i]!.title);
      expect(c.unit).toBe(page[i]!.unit);
      expect(squash(c.practices)).toBe(squash(page[i]!.practices));
      expect(squash(c.reason)).toBe(squash(page[i]!.reason));
    });
    // personal data is removed as on the page
    expect(JSON.stringify(data)).not.toContain('13812345678');
    expect(data.round.title).toBe('第五屆廣東省縣鄉人大工作創新案例評選結果揭曉');
    expect(data.round.lead).toContain('河源市紫金縣鳳安鎮人大“開展‘禾坪說事’活動的做法和成效”');
    expect(data.round.annexTitle).toBe('附件：第五屆廣東省縣鄉人大工作創新案例');
  });

  it('gives the score sheet: the shortlist in rank order, the passed-over case with its quota note, no withdrawn case', async () => {
    const data = await exportOf('open-r', APPROVER);
    expect(data.scores.map((r) => [r.caseId, r.rank, r.order])).toEqual([
      ['open-r-c-heping', 1, 1],
      // the announcement keeps its numbers when a case is withdrawn, as the published page does
      ['open-r-c-xiangzhou', 3, 3],
      ['open-r-c-passed', undefined, undefined],
    ]);
    expect(data.scores[1]!.explanation).toBe('因地市名額調整上移');
    expect(data.scores[2]!.quotaNote).toBe('廣州市已達每市名額上限');
    expect(data.scores[0]).toMatchObject({
      rawMean: 8.5,
      normalizedMean: 8.25,
      spread: 1.5,
      reviewerCount: 3,
      level: 'township',
      city: '河源市',
    });
    // an open round names its reviewers
    expect(new Set(data.reviews.map((r) => r.reviewer))).toEqual(
      new Set(['評審專家甲（rev-alpha）', '評審專家乙（rev-beta）', '評審專家丙（rev-gamma）']),
    );
    expect(data.reviews).toHaveLength(3 + 3 + 2);
    expect(JSON.stringify(data)).not.toContain('c-withdrawn');
  });

  it('never carries an objection’s contact, a reviewer’s comment, or (blind round) a reviewer’s identity', async () => {
    const data = await exportOf('blind-r');
    const text = JSON.stringify(data);
    expect(text).not.toContain(CONTACT);
    expect(text).not.toContain('我是');
    for (const id of REVIEWERS) expect(text).not.toContain(id);
    expect(text).not.toContain('評審專家');
    expect(new Set(data.reviews.map((r) => r.reviewer))).toEqual(new Set(['評審 1', '評審 2', '評審 3']));
    // one number per reviewer across the cases
    const byCase = new Map<string, string[]>();
    for (const r of data.reviews) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r.reviewer]);
    for (const labels of byCase.values()) expect(new Set(labels).size).toBe(labels.length);
  });

  it('refuses a round not yet approved (422) and an unknown round (404), in both languages', async () => {
    const notice = await api(httpEvent('GET', '/rounds/notice-r/export', OFFICE));
    expect(notice.statusCode).toBe(422);
    const body = JSON.parse(notice.body) as { error: { code: string; message: { zh: string; en: string } } };
    expect(body.error.code).toBe('ROUND_NOT_APPROVED');
    expect(body.error.message.zh).toContain('尚未審定');
    expect(body.error.message.en).toContain('not approved');
    expect((await api(httpEvent('GET', '/rounds/no-such-round/export', OFFICE))).statusCode).toBe(404);
    const bad = await api(httpEvent('GET', '/rounds/open-r/export', OFFICE, undefined, { query: { format: 'pdf' } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('EXPORT_FORMAT');
  });
});

describe('the Word document', () => {
  it('reads back as the announcement, then 附件 with each case in the seed’s layout and the page’s text', async () => {
    const bytes = await fileOf('open-r', 'docx');
    const data = await exportOf('open-r');
    const page = await publishedAnnex('open-r');
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    const paragraphs = value
      .split(/\n+/)
      .map((p) => p.trim())
      .filter(Boolean);
    expect(paragraphs[0]).toBe(data.round.title);
    expect(paragraphs[1]).toBe(data.round.lead);
    const annexAt = paragraphs.indexOf('附件：第五屆廣東省縣鄉人大工作創新案例');
    expect(annexAt).toBeGreaterThan(1);
    // each case: 項目N：title, 申報單位：unit, 主要做法：…, 入選理由：…, compared with the published page
    const rest = paragraphs.slice(annexAt + 1).join('\n');
    const sections = rest.split(/\n(?=項目[一二三四五六七八九十]+：)/);
    expect(sections).toHaveLength(page.length);
    sections.forEach((section, i) => {
      const lines = section.split('\n');
      expect(lines[0]).toBe(`${page[i]!.number}：${page[i]!.title}`);
      expect(lines[1]).toBe(`申報單位：${page[i]!.unit}`);
      const practicesAt = lines.findIndex((l) => l.startsWith('主要做法：'));
      const reasonAt = lines.findIndex((l) => l.startsWith('入選理由：'));
      expect(practicesAt).toBe(2);
      expect(
        squash(
          lines
            .slice(practicesAt, reasonAt)
            .join('')
            .replace(/^主要做法：/, ''),
        ),
      ).toBe(squash(page[i]!.practices));
      expect(
        squash(
          lines
            .slice(reasonAt)
            .join('')
            .replace(/^入選理由：/, ''),
        ),
      ).toBe(squash(page[i]!.reason));
    });
    expect(value).not.toContain('已撤銷的案例標題');
  });

  it('names the official fonts in its styles, uses heading styles and numbers its pages', async () => {
    const bytes = await fileOf('open-r', 'docx');
    const styles = await zipText(bytes, 'word/styles.xml');
    expect(styles).toContain('w:eastAsia="方正小标宋简体"');
    expect(styles).toContain('w:eastAsia="黑体"');
    expect(styles).toContain('w:eastAsia="仿宋_GB2312"');
    const document = await zipText(bytes, 'word/document.xml');
    expect(document).toMatch(/<w:pStyle w:val="Title"\/>/);
    expect(document).toMatch(/<w:pStyle w:val="Heading1"\/>/);
    expect(document.match(/<w:pStyle w:val="Heading2"\/>/g)).toHaveLength(2);
    const footer = (await zipEntries(bytes)).find((e) => /^word\/footer\d*\.xml$/.test(e.name));
    expect(footer!.bytes.toString('utf8')).toContain('PAGE');
  });

  it('is written in the round’s script', async () => {
    const bytes = await fileOf('open-r', 'docx', APPROVER);
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    expect(value).toContain('申報單位：河源市紫金縣鳳安鎮人大');
    expect(value).not.toContain('申报单位');
  });
});

describe('the Excel score sheet', () => {
  async function workbookOf(roundId: string) {
    const workbook = new ExcelJS.Workbook();
    const bytes = await fileOf(roundId, 'xlsx');
    await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    return workbook;
  }

  it('has one row per reviewed case with numbers as numbers, a frozen header and set widths, matching the API', async () => {
    const data = await exportOf('open-r');
    const sheet = (await workbookOf('open-r')).worksheets[0]!;
    expect(sheet.name).toBe('評分匯總');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      '排名',
      '公告序號',
      '項目名稱',
      '申報單位',
      '所屬地市',
      '層級',
      '狀態',
      '原始平均分',
      '標準化平均分',
      '分差',
      '評審人數',
      '名額說明',
      '入圍說明',
    ]);
    for (let c = 1; c <= header.length; c++) expect(sheet.getColumn(c).width, `column ${c}`).toBeGreaterThan(0);
    expect(sheet.rowCount).toBe(1 + data.scores.length);
    data.scores.forEach((row, i) => {
      const cells = sheet.getRow(i + 2);
      expect(cells.getCell(1).value).toBe(row.rank ?? null);
      expect(cells.getCell(2).value).toBe(row.order ?? null);
      expect(cells.getCell(3).value).toBe(row.title);
      expect(cells.getCell(4).value).toBe(row.unit);
      expect(cells.getCell(5).value).toBe(row.city);
      expect(cells.getCell(6).value).toBe(row.level === 'county' ? '縣級' : '鄉鎮級');
      for (const [col, value] of [
        [8, row.rawMean],
        [9, row.normalizedMean],
        [10, row.spread],
        [11, row.reviewerCount],
      ] as const) {
        expect(typeof cells.getCell(col).value, `row ${i} col ${col}`).toBe('number');
        expect(cells.getCell(col).value).toBe(value);
      }
      expect(cells.getCell(12).value).toBe(row.quotaNote ?? '');
      expect(cells.getCell(13).value).toBe(row.explanation ?? '');
    });
  });

  it('carries on every shortlisted row the quota note of the office’s staff view, and on a passed-over row why', async () => {
    const staff = await api(httpEvent('GET', '/rounds/open-r/staff-view', OFFICE));
    expect(staff.statusCode, staff.body).toBe(200);
    const view = JSON.parse(staff.body) as { shortlist: { caseId: string; quotaNote: { zh: string } }[] };
    const staffNotes = new Map(view.shortlist.map((e) => [e.caseId, e.quotaNote.zh]));
    const data = await exportOf('open-r');
    const sheet = (await workbookOf('open-r')).worksheets[0]!;
    const cells = (caseId: string) => sheet.getRow(2 + data.scores.findIndex((r) => r.caseId === caseId));

    // the withdrawn case (rank 2, county, Shenzhen) still holds its place in the counts, as in the staff view
    const expected = {
      'open-r-c-heping': '名額 3 宗中的第 1 宗；鄉鎮級第 1 宗（鄉鎮級至少 1）；河源市第 1 宗（每市至多 2）',
      'open-r-c-xiangzhou': '名額 3 宗中的第 3 宗；縣級第 2 宗（縣級至多 2）；珠海市第 1 宗（每市至多 2）',
    };
    for (const [caseId, note] of Object.entries(expected)) {
      expect(staffNotes.get(caseId)).toBe(note);
      expect(data.scores.find((r) => r.caseId === caseId)!.quotaNote).toBe(note);
      expect(cells(caseId).getCell(12).value).toBe(note);
    }
    expect(cells('open-r-c-passed').getCell(12).value).toBe('廣州市已達每市名額上限');
    // a city stored by its code is named in the sheet
    expect(cells('open-r-c-xiangzhou').getCell(5).value).toBe('珠海市');
    expect(data.scores.every((r) => !/^\d+$/.test(r.city))).toBe(true);
  });

  it('has a second sheet of per-reviewer scores, anonymised in a blind round', async () => {
    const data = await exportOf('blind-r');
    const workbook = await workbookOf('blind-r');
    const sheet = workbook.worksheets[1]!;
    expect(sheet.name).toBe('評審評分');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['申報單位', '評審', '創新性', '實效性', '加權總分', '評分時間']);
    expect(sheet.rowCount).toBe(1 + data.reviews.length);
    data.reviews.forEach((review, i) => {
      const cells = sheet.getRow(i + 2);
      expect(cells.getCell(1).value).toBe(review.unit);
      expect(cells.getCell(2).value).toBe(review.reviewer);
      expect(cells.getCell(3).value).toBe(review.scores.innovation);
      expect(cells.getCell(4).value).toBe(review.scores.impact);
      expect(typeof cells.getCell(5).value).toBe('number');
      expect(cells.getCell(5).value).toBe(review.total);
    });
    // no reviewer identity, contact or withdrawn case anywhere in the workbook
    const everything: string[] = [];
    for (const ws of workbook.worksheets) ws.eachRow((row) => row.eachCell((cell) => everything.push(String(cell.value))));
    const all = everything.join('\n');
    for (const id of REVIEWERS) expect(all).not.toContain(id);
    expect(all).not.toContain('評審專家');
    expect(all).not.toContain(CONTACT);
    expect(all).not.toContain('深圳市羅湖區人大常委會');
  });
});
