/**
 * The CLI's HTTP client for the casebook API: the local cloud by default (its endpoints from
 * `<data-dir>/endpoints.json`, tokens minted with the local issuer's key in the same data dir, or
 * the tokens of `casebook login` against it), or a deployed stack with `--api URL` after
 * `casebook login --api URL` (or `--token JWT` for automation). API errors become CliErrors carrying the
 * API's bilingual message and a hint that says what to do next.
 */
import type { Command } from 'commander';
import { CliError, describeError, EXIT } from './errors';

export interface Identity {
  sub: string;
  name: string;
  groups: string[];
  unitCode?: string;
}

export const OFFICE: Identity = { sub: 'office-1', name: '省人大常委會辦公廳', groups: ['secretariat'] };
export const APPROVER: Identity = { sub: 'leader-1', name: '主任會議', groups: ['approver'] };
export const reviewerIdentity = (id: string, name = id): Identity => ({ sub: id, name, groups: ['reviewer'] });
export const applicantIdentity = (unitCode: string, name = `申報單位 ${unitCode}`): Identity => ({
  sub: `applicant-${unitCode}`,
  name,
  groups: ['applicant'],
  unitCode,
});

export interface GlobalOptions {
  json?: boolean;
  api?: string;
  token?: string;
  dataDir: string;
}

export const globalsOf = (program: Command): GlobalOptions => program.opts() as GlobalOptions;

export interface ApiErrorBody {
  error?: {
    code?: string;
    message?: { zh?: string; en?: string };
    issues?: { field: string; code: string; message: { zh: string; en: string } }[];
  };
}

export class ApiClient {
  constructor(
    readonly base: string,
    private readonly token: string | undefined,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new CliError(
        `cannot reach the API at ${this.base} (${method} ${path}): ${describeError(err)}`,
        EXIT.usage,
        'start the local cloud with `casebook dev`, or pass --api URL of a deployed stack',
        { cause: err },
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new CliError(
        `${method} ${path} → ${res.status}: the response broke off: ${describeError(err)}`,
        EXIT.usage,
        'run the command again; rerun with CASEBOOK_DEBUG=1 to see the stack trace',
        { cause: err },
      );
    }
    if (!res.ok) throw apiError(res.status, method, path, text);
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('application/json') ? JSON.parse(text) : text) as T;
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }

  /** A file the API answers with (a Word or Excel export): its bytes. */
  async getBytes(path: string): Promise<Uint8Array> {
    let res: Response;
    try {
      res = await fetch(`${this.base.replace(/\/$/, '')}${path}`, {
        headers: { accept: '*/*', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      });
    } catch (err) {
      throw new CliError(
        `cannot reach the API at ${this.base}: ${(err as Error).message}`,
        EXIT.usage,
        'start the local cloud with `casebook dev`, or pass --api URL of a deployed stack',
      );
    }
    if (!res.ok) throw apiError(res.status, 'GET', path, await res.text());
    return new Uint8Array(await res.arrayBuffer());
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = unknown>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
}

const HINTS: Record<number, string> = {
  400: 'fix the fields named above and run the command again',
  401: 'the sign-in is missing or expired: run `casebook login` (with the same --api), or pass a fresh --token',
  403: 'your role may not do this: use the identity meant for it (e.g. --unit for applicants, --reviewer for reviewers)',
  404: 'check the id: `casebook round show` lists the rounds, `casebook cases ROUND` their cases, `casebook status ROUND` their submissions, `casebook tasks` the open steps',
  409: 'it was already done; `casebook tasks` shows what is still open',
  410: 'the step expired; the office has been told and may reopen it',
  422: 'the round or case is not in the state this needs: `casebook round show ROUND` shows where it stands',
};

export function apiError(status: number, method: string, path: string, text: string): CliError {
  let body: ApiErrorBody = {};
  try {
    body = JSON.parse(text) as ApiErrorBody;
  } catch {
    // not JSON: show the status alone
  }
  const e = body.error;
  const lines = [
    `${method} ${path} → ${status}${e?.code ? ` ${e.code}` : ''}: ${e?.message?.zh ?? ''} ${e?.message?.en ?? text.slice(0, 200)}`.trim(),
  ];
  for (const issue of e?.issues ?? []) lines.push(`  ${issue.field}: ${issue.message.zh} (${issue.message.en})`);
  const exit = status === 401 || status >= 500 ? EXIT.usage : EXIT.invalid;
  const err = new CliError(lines.join('\n'), exit, HINTS[status]);
  (err as CliError & { status?: number; code?: string }).status = status;
  (err as CliError & { status?: number; code?: string }).code = e?.code;
  return err;
}

/**
 * A client for the API: `--token` when given (automation); else the tokens `casebook login` kept
 * for that API (refreshed silently); else, on the local cloud only, a token minted with the
 * local issuer's key for `identity` (the demo personas).
 */
export async function connect(program: Command, identity: Identity | undefined): Promise<ApiClient> {
  const g = globalsOf(program);
  const { sessionToken } = await import('./credentials');
  if (g.api) {
    if (g.token) return new ApiClient(g.api, g.token);
    const signedIn = await sessionToken(g.api);
    if (signedIn) return new ApiClient(g.api, signedIn);
    if (identity) {
      throw new CliError(
        `not signed in to ${g.api}`,
        EXIT.usage,
        `run \`casebook login --api ${g.api}\` (or pass --token JWT for automation)`,
      );
    }
    return new ApiClient(g.api, undefined);
  }
  const { readEndpoints } = await import('../../local/endpoints');
  const info = readEndpoints(g.dataDir);
  if (!info) {
    throw new CliError(
      `no local cloud is running for data dir ${g.dataDir}`,
      EXIT.usage,
      'start it with `casebook dev` in another terminal (or run `casebook demo`), or pass --api URL of a deployed stack',
    );
  }
  if (g.token) return new ApiClient(info.endpoints.api, g.token);
  const signedIn = await sessionToken(info.endpoints.api);
  if (signedIn || !identity) return new ApiClient(info.endpoints.api, signedIn);
  const { createLocalIssuer } = await import('../../local/issuer');
  const issuer = await createLocalIssuer(g.dataDir);
  return new ApiClient(info.endpoints.api, await issuer.mintToken(identity));
}

/** Prints `value` as JSON under --json, or the human text otherwise. */
export function output(program: Command, value: unknown, human: () => string): void {
  if (globalsOf(program).json) process.stdout.write(`${JSON.stringify(value)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** A plain text table with CJK-aware column widths. */
export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const width = (s: string) =>
    [...s].reduce(
      (w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1),
      0,
    );
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - width(c))))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
