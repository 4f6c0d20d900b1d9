/** Exit codes every casebook command keeps: scripts depend on them. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** An error the CLI reports in one line plus a hint that says what to do next; never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * An error that escaped a step of a command, with the step's name and how long it had run: the
 * CLI reports it as "unexpected error while <step> (after N s): <the cause chain>".
 */
export class StepError extends Error {
  constructor(
    readonly step: string,
    readonly elapsedMs: number,
    cause: unknown,
  ) {
    super(`${step} (after ${formatDuration(elapsedMs)}): ${describeError(cause)}`, { cause });
    this.name = 'StepError';
  }
}

/**
 * Runs one step of a command. An error that is not already a CliError (which names its cause
 * itself) comes out as a StepError naming the step; a StepError from an inner step is kept as it
 * is, since the innermost step is the most precise.
 */
export async function inStep<T>(step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } catch (err) {
    if (err instanceof CliError || err instanceof StepError) throw err;
    throw new StepError(step, performance.now() - started, err);
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
  reason?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * What the bare messages of the usual network and abort errors leave unsaid. Node's HTTP client
 * says only "aborted" when a response's socket closes before the body is complete; undici's
 * timeouts name no duration.
 */
const EXPLAINED: Record<string, string> = {
  'ECONNRESET:aborted': 'the connection closed before the whole response (or request body) arrived',
  'ECONNRESET:socket hang up': 'the server closed the connection before it answered',
  UND_ERR_SOCKET: 'the connection closed mid-request',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers within undici’s headersTimeout (300 s by default)',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled for longer than undici’s bodyTimeout (300 s by default)',
  UND_ERR_CONNECT_TIMEOUT: 'the connection could not be opened in time',
  ECONNREFUSED: 'nothing listens there',
  ETIMEDOUT: 'the operation timed out',
};

/** One error, without its causes: its name when it says something, its message, its code. */
function describeOne(err: unknown): string {
  if (err === null || typeof err !== 'object') return String(err);
  const e = err as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message.trim() : '';
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
  if (name === 'TimeoutError' && /aborted due to timeout/i.test(message)) return 'timed out (an AbortSignal.timeout fired: TimeoutError)';
  if (name === 'AbortError') {
    const reason = e.reason !== undefined && e.reason !== err ? `; reason: ${describeOne(e.reason)}` : '';
    return `aborted by its caller (AbortError: ${message || 'aborted'}${reason})`;
  }
  const parts: string[] = [];
  const generic = name === '' || name === 'Error' || name === 'TypeError' || message.startsWith(`${name}:`);
  parts.push(generic || !message ? message || name || 'error' : `${name}: ${message}`);
  const explained = EXPLAINED[`${code}:${message}`] ?? EXPLAINED[code];
  const details = [code, e.$metadata?.httpStatusCode ? `HTTP ${e.$metadata.httpStatusCode}` : ''].filter(Boolean);
  if (explained) parts.push(`— ${explained}`);
  if (details.length) parts.push(`[${details.join(', ')}]`);
  return parts.join(' ');
}

/**
 * One line naming an error and everything under it: its cause chain (`a ← b` reads "a, caused
 * by b") and, for an AggregateError, each of its errors. The message alone often names nothing
 * ("aborted", "fetch failed", "terminated"); the cause usually does.
 */
export function describeError(err: unknown): string {
  const seen = new Set<unknown>();
  const walk = (e: unknown, depth: number): string => {
    if (depth > 8 || (typeof e === 'object' && e !== null && seen.has(e))) return '…';
    if (typeof e === 'object' && e !== null) seen.add(e);
    if (e instanceof StepError) return e.message;
    let line = describeOne(e);
    const like = (typeof e === 'object' && e !== null ? e : {}) as ErrorLike;
    if (Array.isArray(like.errors) && like.errors.length > 0) {
      line += `: ${like.errors.map((inner) => walk(inner, depth + 1)).join('; ')}`;
    }
    if (like.cause !== undefined && like.cause !== null) {
      const cause = walk(like.cause, depth + 1);
      // a wrapper that repeats its cause's message adds nothing
      if (cause !== '…' && !line.endsWith(cause)) line += ` ← ${cause}`;
    }
    return line;
  };
  return walk(err, 0);
}

/** Every stack in the chain (causes and aggregated errors), for CASEBOOK_DEBUG=1. */
export function errorStacks(err: unknown): string {
  const seen = new Set<unknown>();
  const out: string[] = [];
  const walk = (e: unknown, label: string, depth: number) => {
    if (depth > 8 || seen.has(e)) return;
    seen.add(e);
    const like = (typeof e === 'object' && e !== null ? e : {}) as ErrorLike & { stack?: unknown };
    const stack = typeof like.stack === 'string' ? like.stack : describeOne(e);
    const extra = Object.entries(like)
      .filter(([k, v]) => !['stack', 'message', 'name', 'cause', 'errors'].includes(k) && (typeof v === 'string' || typeof v === 'number'))
      .map(([k, v]) => `${k}=${String(v)}`);
    out.push(`${label}${stack}${extra.length ? `\n    (${extra.join(', ')})` : ''}`);
    if (Array.isArray(like.errors)) like.errors.forEach((inner, i) => walk(inner, `[${i}] `, depth + 1));
    if (like.cause !== undefined && like.cause !== null) walk(like.cause, 'caused by: ', depth + 1);
  };
  walk(err, '', 0);
  return out.join('\n');
}

/** Said after every unexpected error: what to run to see more. */
export const DEBUG_HINT =
  'rerun with CASEBOOK_DEBUG=1 to see the stack trace of every cause; if it happens again, report it with the command you ran and that output';

/** The lines the CLI prints for an error no command turned into a CliError. */
export function unexpectedErrorReport(err: unknown, debug: boolean): string {
  const what = err instanceof StepError ? `unexpected error while ${err.message}` : `unexpected error: ${describeError(err)}`;
  return `casebook: ${what}\n${debug ? `${errorStacks(err)}\n  → report it with the command you ran and this output\n` : `  → ${DEBUG_HINT}\n`}`;
}

/** The lines the CLI prints for a CliError (with the stacks of its causes under CASEBOOK_DEBUG=1). */
export function cliErrorReport(err: CliError, debug: boolean): string {
  const lines = [`casebook: ${err.message}`];
  if (err.hint) lines.push(`  → ${err.hint}`);
  if (debug && err.cause !== undefined) lines.push(errorStacks(err.cause));
  return `${lines.join('\n')}\n`;
}
