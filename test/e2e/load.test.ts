/**
 * The invariants of the load harness (bench/load.ts), at small scale and by counts only, on the
 * whole local cloud:
 *
 * - a deadline rush with re-uploads: every upload ends in exactly one stored version or one coded
 *   rejection, one case per unit, one version per stored upload, the last upload current;
 * - an objection flood from a few source addresses with genuine objections from others: every
 *   genuine objection filed, every flood post answered with a code, and what the office is
 *   shown (filed, folded, refused) equal to what the posters were told;
 *
 * The panel at once is checked by the harness (bench/load.ts, `panel`).
 *
 * Source addresses are distinct loopback addresses (127.0.0.0/8), as the local API passes the
 * socket's address in requestContext.http.sourceIp the way API Gateway does.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { renderMarkdown } from '../../src/domain/dossier';
import { OBJECTION_LIMITS } from '../../src/domain/objections/guard';
import { createDocumentClient } from '../../src/store/client';
import { Store } from '../../src/store/store';
import { benchUnits } from '../../bench/fixtures/dossiers';
import type { DossierContent } from '../../src/domain/dossier';
import { call, closeAgents, pool, type Reply } from '../../bench/lib/load-client';
import { bootForTest, charterFor, SECRETARIAT, type TestCloud } from '../support/localcloud';

interface LoadDossier {
  unit: { code: string; written: string };
  fileName: string;
  content: DossierContent;
}

/** `n` valid dossiers from distinct registry units, each with its own wording (no near duplicates). */
function loadDossiers(n: number, round: number): LoadDossier[] {
  const places = ['街道', '社區', '鄉鎮', '片區', '村居', '園區', '口岸', '灣區'];
  const works = ['代表聯絡站', '立法聯繫點', '預算聯網監督', '民生實事票決', '議事協商會', '代表接待日', '履職檔案', '專題詢問'];
  return benchUnits(n).map((unit, i) => ({
    unit,
    fileName: `load-${String(i + 1).padStart(3, '0')}`,
    content: {
      title: `${places[i % 8]}${works[(i * 3) % 8]}機制創新（第${i + 1}號）`,
      unit: unit.written,
      round,
      practices:
        `一是在${places[i % 8]}建立${works[(i * 3) % 8]}，每月第${(i % 4) + 1}週由代表輪值接待群眾${12 + i}次。` +
        `二是開設網上${works[(i * 5 + 1) % 8]}欄目，${3 + (i % 5)}個工作日內回應，累計回應${200 + i * 17}件。` +
        `三是建立分類轉辦和督辦機制，由常委會辦公室每${(i % 3) + 1}個月通報一次，確保件件有回音。`,
      outcomes: `機制運行以來收集意見建議${300 + i * 11}條，推動解決民生實事${40 + i}件，群眾滿意度明顯提升，做法在${2019 + (i % 6)}年被轉發推廣。`,
      contact: { name: '陳主任', phone: '020-12345678', email: 'office@example.org' },
    },
  }));
}

let env: TestCloud;
let ddb: DynamoDBClient;
let table: string;
let api: string;

beforeAll(async () => {
  env = await bootForTest();
  ddb = new DynamoDBClient({
    endpoint: env.cloud.endpoints.dynamodb,
    region: env.cloud.env.AWS_REGION,
    credentials: { accessKeyId: env.cloud.env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.cloud.env.AWS_SECRET_ACCESS_KEY! },
  });
  table = env.cloud.env.TABLE_NAME!;
  api = env.cloud.endpoints.api;
}, 300_000);

afterAll(async () => {
  closeAgents();
  ddb?.destroy();
  await env?.stop();
}, 300_000);

async function query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await ddb.send(new QueryCommand({ ...input, TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const codeOf = (r: Reply): string => {
  try {
    const b = r.json();
    return b?.error?.code ?? (b?.message === 'Too Many Requests' ? 'GATEWAY_THROTTLED' : b?.repeat ? 'REPEAT' : `HTTP_${r.status}`);
  } catch {
    return /錯誤代碼：<code>([A-Z_]+)<\/code>/.exec(r.text)?.[1] ?? `HTTP_${r.status}`;
  }
};

let roundSeq = 0;
async function openRound(number: number, overrides: Record<string, unknown>): Promise<string> {
  const office = await env.token(SECRETARIAT);
  roundSeq += 1;
  const roundId = `load-e2e-${roundSeq}-${process.pid}`;
  const created = await env.api('POST', '/rounds', { token: office, body: { roundId, charter: charterFor(number, overrides) } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await env.api('POST', `/rounds/${roundId}/open`, { token: office })).status).toBe(200);
  return roundId;
}

async function upload(roundId: string, d: LoadDossier, bytes: Buffer): Promise<{ submissionId?: string; rejection?: string }> {
  const token = await env.cloud.mintToken({
    sub: `applicant-${d.unit.code}`,
    name: d.unit.written,
    groups: ['applicant'],
    unitCode: d.unit.code,
  });
  const ticket = await call('POST', `${api}/rounds/${roundId}/submissions`, {
    token,
    json: { fileName: `${d.fileName}.md`, contentType: 'text/markdown', size: bytes.length },
  });
  if (ticket.status >= 300) return { rejection: codeOf(ticket) };
  const t = ticket.json();
  const put = await fetch(t.upload.url, { method: 'PUT', headers: t.upload.headers, body: new Uint8Array(bytes) });
  await put.arrayBuffer();
  expect(put.status).toBe(200);
  return { submissionId: t.submissionId };
}

const submissionStatuses = async (roundId: string) =>
  new Map(
    (
      await query({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': { S: `ROUND#${roundId}` }, ':sk': { S: 'SUBMISSION#' } },
      })
    ).map((i) => [i.submissionId.S as string, i.status.S as string]),
  );

const casesOf = async (roundId: string) =>
  query({
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': { S: `ROUND#${roundId}#CASES` } },
  });

describe('a deadline rush', () => {
  it('ends every upload in one stored version or one coded rejection; the last version of each unit wins', async () => {
    const number = 840;
    const roundId = await openRound(number, { quotas: { total: 20 } });
    const dossiers = loadDossiers(32, number);
    // every fourth unit sends a revised text right after its first; one sends a file the API refuses
    const plans = dossiers.map((d, i) => {
      const uploads = [Buffer.from(renderMarkdown(d.content), 'utf8')];
      if (i % 4 === 0)
        uploads.push(Buffer.from(renderMarkdown({ ...d.content, practices: `${d.content.practices}\n修訂稿第${i}號。` }), 'utf8'));
      return { d, uploads };
    });
    const results = await pool(plans, 10, async ({ d, uploads }) => {
      const out: { submissionId?: string; rejection?: string }[] = [];
      for (const bytes of uploads) out.push(await upload(roundId, d, bytes));
      return { unit: d.unit.code, out };
    });
    const sent = results.flatMap((r) => r.out);
    expect(sent).toHaveLength(40);
    expect(sent.filter((s) => s.rejection)).toEqual([]);

    const terminal = new Set(['STORED', 'INVALID', 'SUPERSEDED']);
    const statuses = await env.waitFor(
      () => submissionStatuses(roundId),
      (m) => sent.every((s) => terminal.has(m.get(s.submissionId!) ?? '')),
      'every upload to settle',
      540_000,
    );
    const cases = await casesOf(roundId);
    const byUnit = new Map(cases.map((c) => [c.unitCode.S as string, c]));
    expect(cases).toHaveLength(byUnit.size); // one case per unit
    for (const { unit, out } of results) {
      const ids = out.map((o) => o.submissionId!);
      const kept = ids.filter((id) => statuses.get(id) !== 'INVALID');
      // one STORED upload per unit: the last valid one; any before it SUPERSEDED
      expect(
        ids.map((id) => statuses.get(id)).filter((s) => s === 'STORED'),
        unit,
      ).toHaveLength(kept.length ? 1 : 0);
      if (!kept.length) continue;
      const c = byUnit.get(unit)!;
      expect(c.currentSubmissionId.S, unit).toBe(kept.at(-1));
      const versions = await query({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': { S: `CASE#${c.caseId.S}` }, ':sk': { S: 'VERSION#' } },
      });
      expect(versions, unit).toHaveLength(kept.length);
    }
    // no review execution ended without an outcome (a task timed out waiting for a local slot did)
    const executions = await env.executions('dossier-review');
    expect(executions.filter((e) => e.status !== 'RUNNING' && e.status !== 'SUCCEEDED').map((e) => `${e.name}: ${e.status}`)).toEqual([]);
    // every INVALID upload carries coded errors the applicant can read
    const invalid = [...statuses.entries()].filter(([, s]) => s === 'INVALID');
    for (const [id] of invalid) {
      const s = await env.submission(roundId, id);
      expect(s.errors?.length).toBeGreaterThan(0);
    }
    // bounded by counts; the wait allows for a loaded two-core machine
  }, 600_000);
});

describe('an objection flood', () => {
  it('files every genuine objection and answers every flood post with a code the office sees counted', async () => {
    const roundId = `load-e2e-notice-${process.pid}`;
    const listed = ['flood-case-1', 'flood-case-2', 'flood-case-3'];
    const store = new Store({ doc: createDocumentClient(ddb), tableName: table });
    const { noticePeriodSecondsOverride: _o, ...charter } = charterFor(841);
    await store.rounds.createRound({
      roundId,
      charter: charter as never,
      status: 'NOTICE',
      createdAt: new Date().toISOString(),
      shortlist: listed.map((caseId, i) => ({ caseId, rank: i + 1, score: 9 - i })),
      noticeEndsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });
    const post = (from: string, body: unknown) => call('POST', `${api}/rounds/${roundId}/objections`, { from, json: body });

    // 4 sources × 25 posts at once: a third the same text, a third varied, a third junk
    const flood = Array.from({ length: 4 }, (_, s) =>
      Array.from({ length: 25 }, (_, k) => {
        const body =
          k % 3 === 0
            ? { caseId: listed[0], text: '此案例造假，強烈要求撤銷入選資格！' }
            : k % 3 === 1
              ? { caseId: listed[k % 3], text: `此案例材料不實，請撤銷（來源${s}第${k}次）` }
              : { caseId: listed[1], text: `看這裡 ${[1, 2, 3, 4, 5].map((n) => `https://spam.example/${s}/${k}/${n}`).join(' ')}` };
        return { from: `127.0.0.${41 + s}`, body };
      }),
    ).flat();
    const genuine = Array.from({ length: 6 }, (_, g) => ({
      from: `127.0.1.${41 + g}`,
      body: { caseId: listed[g % listed.length], text: `我是第${g + 1}位居民，該案例介紹的議事會早已停辦，申報材料與實際不符，請核實。` },
    }));
    const office = await env.token(SECRETARIAT);
    const [floodReplies, genuineReplies, officeReads] = await Promise.all([
      Promise.all(flood.map((p) => post(p.from, p.body))),
      Promise.all(
        genuine.map(async (g) => {
          // turned away by the route's throttle, a person tries again; bounded
          for (let attempt = 1; ; attempt++) {
            const r = await post(g.from, g.body);
            if (codeOf(r) !== 'GATEWAY_THROTTLED' || attempt >= 60) return r;
            await new Promise((res) => setTimeout(res, 500));
          }
        }),
      ),
      Promise.all([call('GET', `${api}/tasks`, { token: office }), call('GET', `${api}/rounds/${roundId}/dashboard`, { token: office })]),
    ]);

    expect(officeReads.map((r) => r.status)).toEqual([200, 200]);
    expect(genuineReplies.map((r) => r.status)).toEqual(genuine.map(() => 201));
    const codes = floodReplies.map((r) => (r.status === 201 ? 'FILED' : codeOf(r)));
    const allowed = new Set(['FILED', 'REPEAT', 'GATEWAY_THROTTLED', 'OBJECTION_RATE_LIMITED', 'OBJECTION_TOO_MANY_LINKS']);
    expect(codes.filter((c) => !allowed.has(c))).toEqual([]);
    expect(codes).toContain('GATEWAY_THROTTLED');
    const n = (c: string) => codes.filter((x) => x === c).length;
    // no source got more than its limit past the per-source check
    for (let s = 0; s < 4; s++) {
      const mine = floodReplies
        .filter((_, i) => flood[i]!.from === `127.0.0.${41 + s}`)
        .map((r) => (r.status === 201 ? 'FILED' : codeOf(r)));
      expect(mine.filter((c) => c === 'FILED' || c === 'REPEAT' || c === 'OBJECTION_TOO_MANY_LINKS').length).toBeLessThanOrEqual(
        OBJECTION_LIMITS.perSourceMax,
      );
    }

    const list = (await env.api('GET', `/rounds/${roundId}/objections`, { token: office })).body;
    const texts = new Set(list.objections.map((o: { caseId: string; text: string }) => `${o.caseId}|${o.text}`));
    for (const g of genuine) expect(texts.has(`${g.body.caseId}|${g.body.text}`)).toBe(true);
    // what the office is shown is what the posters were told
    expect(list.objections).toHaveLength(n('FILED') + genuine.length);
    expect(list.guard).toEqual({
      suppressed: n('REPEAT'),
      refusedRate: n('OBJECTION_RATE_LIMITED'),
      refusedContent: n('OBJECTION_TOO_MANY_LINKS'),
    });
    expect(list.objections.reduce((s: number, o: { repeats: number }) => s + o.repeats, 0)).toBe(n('REPEAT'));
    const dashboard = (await env.api('GET', `/rounds/${roundId}/dashboard`, { token: office })).body;
    expect(dashboard.objections).toMatchObject({
      filed: list.objections.length,
      repeatsSuppressed: n('REPEAT'),
      refusedRate: n('OBJECTION_RATE_LIMITED'),
    });
  });
});
