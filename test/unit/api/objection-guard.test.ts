/**
 * The public objection route's guard through the real router and store on DynamoDB Local: the
 * per-source limit (429), content and size refusals (422), exact repeats counted not filed, the
 * counts the office sees, and the no-JavaScript form's readable refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { buildHandlers, htmlErrorLinks } from '../../../src/api/app';
import { createRouter, type HttpResult } from '../../../src/api/router';
import type { Round } from '../../../src/domain/model';
import { OBJECTION_LIMITS } from '../../../src/domain/objections/guard';
import type { ApiDeps } from '../../../src/usecases/api/ports';
import { startTestTable, type TestTable } from '../../support/dynamodb';
import { httpEvent, type EventExtras } from './fixtures';
import { apiCharter as charter } from '../../support/charters';

const NOW = new Date('2030-06-01T00:00:00Z');
const SITE = 'https://cases.example.org/';
const OFFICE = { sub: 'office-1', name: '辦公室', groups: ['secretariat'] };
const TEXT = '此案例所稱的代表聯絡站在申報年度之前已經撤銷，材料與事實不符，請核實。';

let db: TestTable;
let api: (e: ReturnType<typeof httpEvent>) => Promise<HttpResult>;
let roundNo = 30;

beforeAll(async () => {
  db = await startTestTable('casebook-objection-guard');
  let n = 0;
  const deps: ApiDeps = {
    store: db.store,
    uploads: { presignPut: async () => 'http://s3.local/x' },
    workflows: { startFinalization: async () => 'arn:aws:states:local:0:execution:f:x' },
    decide: async () => {
      throw new Error('not used');
    },
    now: () => NOW,
    newId: () => `id-${++n}`,
    siteBaseUrl: SITE,
  };
  api = createRouter({ fn: 'api', handlers: buildHandlers(deps), errorLinks: htmlErrorLinks(deps) });
}, 120_000);

afterAll(async () => {
  await db?.stop();
});

async function noticeRound(): Promise<string> {
  roundNo += 1;
  const roundId = `notice-${roundNo}`;
  const round: Round = {
    roundId,
    charter: charter({ number: roundNo }),
    status: 'NOTICE',
    createdAt: NOW.toISOString(),
    shortlist: [
      { caseId: 'case-1', rank: 1, score: 9 },
      { caseId: 'case-2', rank: 2, score: 8 },
    ],
    noticeEndsAt: '2030-06-06T00:00:00.000Z',
  };
  await db.store.rounds.createRound(round);
  return roundId;
}

const post = (roundId: string, body: unknown, sourceIp: string, extras: EventExtras = {}) =>
  api(httpEvent('POST', `/rounds/${roundId}/objections`, undefined, body, { sourceIp, ...extras }));
const json = (r: HttpResult) => JSON.parse(r.body);

describe('the objection guard', () => {
  it('lets each source file up to the limit, then answers a coded 429 with Retry-After; other sources are untouched', async () => {
    const roundId = await noticeRound();
    const statuses: number[] = [];
    for (let i = 0; i < OBJECTION_LIMITS.perSourceMax + 3; i++)
      statuses.push((await post(roundId, { caseId: 'case-1', text: `${TEXT}（第 ${i} 份）` }, '198.51.100.7')).statusCode);
    expect(statuses).toEqual([...Array(OBJECTION_LIMITS.perSourceMax).fill(201), 429, 429, 429]);
    const refused = await post(roundId, { caseId: 'case-1', text: `${TEXT}（再一份）` }, '198.51.100.7');
    expect(refused.statusCode).toBe(429);
    expect(json(refused).error.code).toBe('OBJECTION_RATE_LIMITED');
    expect(json(refused).error.message.zh).toMatch(/過於頻繁/);
    expect(json(refused).error.message.en).toMatch(/Too many objections/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // another address is a different person
    expect((await post(roundId, { caseId: 'case-2', text: TEXT }, '198.51.100.8')).statusCode).toBe(201);
    // the limit is per round: the same address may object in another round
    expect((await post(await noticeRound(), { caseId: 'case-1', text: TEXT }, '198.51.100.7')).statusCode).toBe(201);

    const office = await api(httpEvent('GET', `/rounds/${roundId}/objections`, OFFICE));
    expect(json(office).objections).toHaveLength(OBJECTION_LIMITS.perSourceMax + 1);
    expect(json(office).guard).toEqual({ suppressed: 0, refusedRate: 4, refusedContent: 0 });
  });

  it('files an exact repeat (same case, same text up to white space and width) once and counts the rest, visible to the office', async () => {
    const roundId = await noticeRound();
    const first = await post(roundId, { caseId: 'case-1', text: TEXT }, '192.0.2.1');
    expect(first.statusCode).toBe(201);
    const again = [
      await post(roundId, { caseId: 'case-1', text: `  ${TEXT}\n` }, '192.0.2.2'),
      await post(roundId, { caseId: 'case-1', text: `${TEXT.slice(0, 5)}\u200b${TEXT.slice(5)}` }, '192.0.2.3'),
      await post(roundId, { caseId: 'case-1', text: TEXT.normalize('NFKC').replace('。', '。 ') }, '192.0.2.4'),
    ];
    for (const r of again) {
      expect(r.statusCode).toBe(200);
      expect(json(r)).toMatchObject({ objectionId: json(first).objectionId, filedAt: json(first).filedAt, repeat: true });
    }
    // the same text against another case is its own objection
    expect((await post(roundId, { caseId: 'case-2', text: TEXT }, '192.0.2.5')).statusCode).toBe(201);

    const list = json(await api(httpEvent('GET', `/rounds/${roundId}/objections`, OFFICE)));
    expect(list.objections).toHaveLength(2);
    expect(list.objections.find((o: { caseId: string }) => o.caseId === 'case-1').repeats).toBe(3);
    expect(list.guard.suppressed).toBe(3);
    const dash = json(await api(httpEvent('GET', `/rounds/${roundId}/dashboard`, OFFICE)));
    expect(dash.objections).toEqual({ filed: 2, open: 2, repeatsSuppressed: 3, refusedRate: 0, refusedContent: 0 });
    const page = await api(httpEvent('GET', `/rounds/${roundId}/dashboard`, OFFICE, undefined, { query: { format: 'html' } }));
    expect(page.body).toContain('重複提交已合併計數 3 次');
  });

  it('refuses bad content (422, counted) and oversized bodies (422) with codes in both languages', async () => {
    const roundId = await noticeRound();
    const spam = await post(
      roundId,
      { caseId: 'case-1', text: `${TEXT} ${[1, 2, 3, 4, 5].map((n) => `https://spam.example/${n}`).join(' ')}` },
      '192.0.2.10',
    );
    expect(spam.statusCode).toBe(422);
    expect(json(spam).error.code).toBe('OBJECTION_TOO_MANY_LINKS');
    const big = await post(roundId, { caseId: 'case-1', text: TEXT, contact: 'x'.repeat(OBJECTION_LIMITS.maxBodyBytes) }, '192.0.2.11');
    expect(big.statusCode).toBe(422);
    expect(json(big).error.code).toBe('OBJECTION_TOO_LARGE');
    expect(json(big).error.message.en).toMatch(/too large/);
    const list = json(await api(httpEvent('GET', `/rounds/${roundId}/objections`, OFFICE)));
    expect(list.objections).toHaveLength(0);
    expect(list.guard.refusedContent).toBe(1);
  });

  it('shows a refusal to the no-JavaScript form as a readable page: coded, bilingual, a way back, no redirect and no input in any URL', async () => {
    const roundId = await noticeRound();
    const form = (text: string) => ({
      caseId: 'case-1',
      text,
      script: 'hant',
      returnTo: `${SITE}hant/rounds/${roundId}/objection-received.html`,
    });
    for (let i = 0; i < OBJECTION_LIMITS.perSourceMax; i++)
      expect((await post(roundId, undefined, '192.0.2.20', { form: form(`${TEXT}（${i}）`) })).statusCode).toBe(303);
    const refused = await post(roundId, undefined, '192.0.2.20', { form: form(`${TEXT}（秘密內容）`) });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers.location).toBeUndefined();
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toContain('<code>OBJECTION_RATE_LIMITED</code>');
    expect(refused.body).toMatch(/<p lang="en">Too many objections/);
    expect(refused.body).toContain(`href="${SITE}hant/rounds/${roundId}/`);
    // the text posted never comes back in a link
    const hrefs = [...refused.body.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    for (const href of hrefs) expect(decodeURIComponent(href)).not.toContain('秘密內容');

    const bad = await post(roundId, undefined, '192.0.2.21', { form: form(`${TEXT}${'！'.repeat(40)}`) });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('<code>OBJECTION_REPEATED_CHARACTERS</code>');

    const repeat = await post(roundId, undefined, '192.0.2.22', { form: form(`${TEXT}（0）`) });
    expect(repeat.statusCode).toBe(303);
  });

  it('stores no address: only keyed hashes, under items that expire', async () => {
    const roundId = await noticeRound();
    await post(roundId, { caseId: 'case-1', text: TEXT }, '198.51.100.99');
    const items = (await db.client.send(new ScanCommand({ TableName: db.tableName }))).Items ?? [];
    expect(JSON.stringify(items)).not.toContain('198.51.100.99');
    const sources = items.filter((i) => i.PK?.S === `OBJGUARD#${roundId}` && i.SK?.S?.startsWith('SRC#'));
    expect(sources).toHaveLength(1);
    expect(Number(sources[0]!.expiresAt?.N)).toBeGreaterThan(NOW.getTime() / 1000);
  });
});
