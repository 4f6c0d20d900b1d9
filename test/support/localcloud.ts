/**
 * End-to-end test support: boots the local cloud once per test file (in a fresh temporary data
 * dir), mints tokens for each role, calls the HTTP API as a browser or the CLI would, uploads
 * dossiers through presigned URLs, and waits for observable outcomes (never for wall-clock time).
 *
 *   const env = await bootForTest({ faults: { duplicateS3Events: true } });   // in beforeAll
 *   const round = await env.openRound();
 *   const { submissionId } = await env.upload(round.roundId, UNIT, 'dossier.md', markdown);
 *   await env.waitFor(() => env.submission(round.roundId, submissionId), (s) => s.status === 'STORED');
 *   await env.stop();                                                       // in afterAll
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListExecutionsCommand, SFNClient, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { startLocalCloud, type LocalCloud, type LocalCloudFaults } from '../../local/cloud';
import type { TokenLifetimes } from '../../local/oidc';
import type { EngineTuning } from '../../local/engine-adapter';
import { cloudCharter, SECRETARIAT } from './charters';

/** Units from data/units (GB/T 2260 codes) with the names an applicant writes on its dossier. */
export const UNITS = {
  yuexiu: { code: '440104', written: '廣州市越秀區人大常委會', city: '440100' },
  liwan: { code: '440103', written: '廣州市荔灣區人大常委會', city: '440100' },
  futian: { code: '440304', written: '深圳市福田區人大常委會', city: '440300' },
} as const;
export type UnitKey = keyof typeof UNITS;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export interface TestCloud {
  cloud: LocalCloud;
  sfn: SFNClient;
  token(who: { sub: string; name: string; groups: string[]; unitCode?: string }): Promise<string>;
  applicantToken(unit: UnitKey): Promise<string>;
  api<T = any>(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<ApiResponse<T>>;
  /** Creates and opens a round whose charter names the test panel; returns its id. */
  openRound(overrides?: Record<string, unknown>): Promise<{ roundId: string }>;
  /** Starts a submission as the unit's applicant and PUTs the bytes to the presigned URL. */
  upload(
    roundId: string,
    unit: UnitKey,
    fileName: string,
    content: string | Buffer,
    contentType?: string,
  ): Promise<{ submissionId: string; key: string }>;
  submission(roundId: string, submissionId: string): Promise<any>;
  executions(stateMachine?: string): Promise<ExecutionListItem[]>;
  waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, what?: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

let counter = 0;

/** A dossier in the markdown template's shape (YAML front matter + the two required sections). */
export function validDossier(unit: UnitKey, round: number, title = '建立代表聯絡站「民情直通車」機制'): string {
  const practices =
    '一是建立代表聯絡站常態化接待制度，每月固定兩天由各級人大代表輪值接待群眾，收集意見建議並建立台賬。' +
    '二是依托網絡平台開設「民情直通車」欄目，群眾可隨時在線反映問題，代表在三個工作日內回應。' +
    '三是建立意見建議分類轉辦和跟蹤督辦機制，由常委會辦公室定期通報辦理情況，確保件件有回音、事事有着落。' +
    '四是把代表聯絡站接待情況納入代表履職檔案，年底向選民報告，接受群眾評議，推動代表與群眾常態化聯繫。';
  const outcomes =
    '機制運行以來，共接待群眾二千餘人次，收集意見建議六百多條，推動解決道路改造、老舊小區加裝電梯等民生實事一百二十餘件。' +
    '群眾滿意度明顯提升，代表履職積極性顯著增強，相關做法被上級人大常委會轉發推廣。';
  return [
    '---',
    `title: ${title}`,
    `unit: ${UNITS[unit].written}`,
    `round: ${round}`,
    'contact:',
    '  name: 陳主任',
    '  phone: 020-12345678',
    '  email: office@example.org',
    '---',
    '',
    `# ${title}`,
    '',
    '## 主要做法',
    '',
    practices,
    '',
    '## 工作成效',
    '',
    outcomes,
    '',
  ].join('\n');
}

export async function bootForTest(
  options: { faults?: LocalCloudFaults; engine?: EngineTuning; dataDir?: string; tokenLifetimes?: TokenLifetimes } = {},
): Promise<TestCloud> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'casebook-e2e-'));
  const cloud = await startLocalCloud({
    dataDir,
    faults: options.faults,
    engine: options.engine,
    tokenLifetimes: options.tokenLifetimes,
    quiet: !process.env.CASEBOOK_E2E_VERBOSE,
  });
  const sfn = new SFNClient({
    endpoint: cloud.endpoints.sfn,
    region: cloud.env.AWS_REGION,
    credentials: { accessKeyId: cloud.env.AWS_ACCESS_KEY_ID!, secretAccessKey: cloud.env.AWS_SECRET_ACCESS_KEY! },
  });
  return attach(cloud, sfn, async () => {
    sfn.destroy();
    await cloud.stop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
}

/** The API helpers over any running local cloud (also one in a child process: pass its endpoints). */
export function apiClient(apiUrl: string) {
  return async <T = any>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiResponse<T>> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: body as T };
  };
}

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, what = 'condition', timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function attach(cloud: LocalCloud, sfn: SFNClient, stop: () => Promise<void>): TestCloud {
  const api = apiClient(cloud.endpoints.api);
  const token = (who: { sub: string; name: string; groups: string[]; unitCode?: string }) => cloud.mintToken(who);
  const applicantToken = (unit: UnitKey) =>
    cloud.mintToken({ sub: `applicant-${unit}`, name: UNITS[unit].written, groups: ['applicant'], unitCode: UNITS[unit].code });
  const env: TestCloud = {
    cloud,
    sfn,
    token,
    applicantToken,
    api,
    async openRound(overrides = {}) {
      const office = await token(SECRETARIAT);
      counter += 1;
      const number = 100 + counter + (process.pid % 500);
      const created = await api('POST', '/rounds', { token: office, body: { charter: cloudCharter(number, overrides) } });
      if (created.status !== 201 && created.status !== 200)
        throw new Error(`POST /rounds: ${created.status} ${JSON.stringify(created.body)}`);
      const roundId = (created.body.roundId ?? created.body.round?.roundId) as string;
      const opened = await api('POST', `/rounds/${roundId}/open`, { token: office });
      if (opened.status >= 300) throw new Error(`open round: ${opened.status} ${JSON.stringify(opened.body)}`);
      return { roundId };
    },
    async upload(roundId, unit, fileName, content, contentType = 'text/markdown') {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      const applicant = await applicantToken(unit);
      const ticket = await api('POST', `/rounds/${roundId}/submissions`, {
        token: applicant,
        body: { fileName, contentType, size: bytes.length },
      });
      if (ticket.status >= 300) throw new Error(`start submission: ${ticket.status} ${JSON.stringify(ticket.body)}`);
      const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: new Uint8Array(bytes) });
      if (put.status !== 200) throw new Error(`presigned PUT: ${put.status} ${await put.text()}`);
      return { submissionId: ticket.body.submissionId, key: ticket.body.key };
    },
    async submission(roundId, submissionId) {
      const office = await token(SECRETARIAT);
      const r = await api('GET', `/rounds/${roundId}/submissions/${submissionId}`, { token: office });
      if (r.status !== 200) throw new Error(`GET submission: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.submission ?? r.body;
    },
    async executions(stateMachine = 'dossier-review') {
      const arn = cloud.topology.stateMachines.find((m) => m.name === stateMachine || m.name.includes(stateMachine))?.arn;
      if (!arn) throw new Error(`no state machine ${stateMachine}`);
      const out: ExecutionListItem[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken }));
        out.push(...(page.executions ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    },
    waitFor,
    stop,
  };
  return env;
}
