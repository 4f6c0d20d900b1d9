/**
 * The CLI never ends with a message that names no cause (issue 19: "unexpected error: aborted").
 * Errors are described with their whole cause chain, AggregateError members, what AbortError and
 * TimeoutError mean, and undici's and Node's network codes; main() says which step failed,
 * after how long, and how to see more.
 */
import { Command } from 'commander';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../../cli/main';
import {
  CliError,
  describeError,
  errorStacks,
  formatDuration,
  inStep,
  StepError,
  unexpectedErrorReport,
} from '../../../cli/support/errors';

const coded = (message: string, code: string, name = 'Error') => Object.assign(new Error(message), { code, name });

describe('describeError', () => {
  it('explains Node’s bare "aborted" (a response cut short)', () => {
    expect(describeError(coded('aborted', 'ECONNRESET'))).toBe(
      'aborted — the connection closed before the whole response (or request body) arrived [ECONNRESET]',
    );
  });

  it('follows the cause chain of undici’s "fetch failed" and "terminated"', () => {
    const socket = coded('other side closed', 'UND_ERR_SOCKET', 'SocketError');
    expect(describeError(new TypeError('terminated', { cause: socket }))).toBe(
      'terminated ← SocketError: other side closed — the connection closed mid-request [UND_ERR_SOCKET]',
    );
    const headers = coded('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT', 'HeadersTimeoutError');
    expect(describeError(new TypeError('fetch failed', { cause: headers }))).toBe(
      'fetch failed ← HeadersTimeoutError: Headers Timeout Error — no response headers within undici’s headersTimeout (300 s by default) [UND_ERR_HEADERS_TIMEOUT]',
    );
  });

  it('lists every error of an AggregateError (a connect tried on IPv6 and IPv4)', () => {
    const both = Object.assign(
      new AggregateError(
        [coded('connect ECONNREFUSED ::1:9', 'ECONNREFUSED'), coded('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED')],
        '',
      ),
      { code: 'ECONNREFUSED' },
    );
    expect(describeError(new TypeError('fetch failed', { cause: both }))).toBe(
      'fetch failed ← AggregateError — nothing listens there [ECONNREFUSED]: connect ECONNREFUSED ::1:9 — nothing listens there [ECONNREFUSED]; connect ECONNREFUSED 127.0.0.1:9 — nothing listens there [ECONNREFUSED]',
    );
  });

  it('says an AbortError was an abort by the caller, with the reason it was given', () => {
    expect(describeError(AbortSignal.abort().reason)).toBe('aborted by its caller (AbortError: This operation was aborted)');
    const withReason = Object.assign(new DOMException('This operation was aborted', 'AbortError'), {
      reason: new Error('the engine stopped'),
    });
    expect(describeError(withReason)).toBe('aborted by its caller (AbortError: This operation was aborted; reason: the engine stopped)');
  });

  it('says a DOMException TimeoutError is a timeout', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect(describeError(signal.reason)).toBe('timed out (an AbortSignal.timeout fired: TimeoutError)');
  });

  it('shows an AWS SDK error’s HTTP status and does not repeat a wrapper’s copy of its cause', () => {
    const sdk = Object.assign(new Error('We encountered an internal error'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(describeError(sdk)).toBe('InternalError: We encountered an internal error [HTTP 500]');
    const inner = new Error('disk full');
    expect(describeError(new Error('disk full', { cause: inner }))).toBe('disk full');
  });

  it('ends on cycles and on values that are not errors', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toBe('b ← a');
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError({ message: 'shaped like an error' })).toBe('shaped like an error');
  });
});

describe('inStep', () => {
  it('names the step and how long it ran, and keeps the innermost step', async () => {
    const failure = inStep('exporting the site', () =>
      inStep('reading s3://site/index.html', async () => Promise.reject(coded('aborted', 'ECONNRESET'))),
    );
    const err = await failure.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).step).toBe('reading s3://site/index.html');
    expect((err as Error).message).toMatch(/^reading s3:\/\/site\/index\.html \(after \d+ ms\): aborted — the connection closed/);
  });

  it('lets CliErrors through unchanged: they name their cause already', async () => {
    const cli = new CliError('GET /rounds → 500', 2);
    await expect(inStep('listing rounds', async () => Promise.reject(cli))).rejects.toBe(cli);
  });

  it('formats durations a reader takes in at a glance', () => {
    expect([formatDuration(12), formatDuration(4_250), formatDuration(185_000)]).toEqual(['12 ms', '4.3 s', '3 min 5 s']);
  });
});

describe('the report of an unexpected error', () => {
  it('names the cause and says how to see more; with CASEBOOK_DEBUG, every stack', () => {
    const err = new TypeError('fetch failed', { cause: coded('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED') });
    const plain = unexpectedErrorReport(err, false);
    expect(plain).toBe(
      'casebook: unexpected error: fetch failed ← connect ECONNREFUSED 127.0.0.1:9 — nothing listens there [ECONNREFUSED]\n' +
        '  → rerun with CASEBOOK_DEBUG=1 to see the stack trace of every cause; if it happens again, report it with the command you ran and that output\n',
    );
    const debug = unexpectedErrorReport(err, true);
    expect(debug).toContain('TypeError: fetch failed\n    at ');
    expect(debug).toContain('caused by: Error: connect ECONNREFUSED 127.0.0.1:9');
    expect(debug).toContain('(code=ECONNREFUSED)');
    expect(errorStacks(new AggregateError([new Error('one'), new Error('two')], 'both'))).toMatch(
      /AggregateError: both[\s\S]*\[0\] Error: one[\s\S]*\[1\] Error: two/,
    );
  });
});

describe('main()', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Runs main() with one command, `boom`, whose action throws `err`; returns exit code and stderr. */
  async function run(err: unknown, env: Record<string, string | undefined> = {}) {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const saved = { ...process.env };
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      const code = await main(['node', 'casebook', 'boom'], {
        files: ['version.ts'],
        load: async () => ({
          register: (program: Command) => {
            program.command('boom').action(async () => inStep('exporting the site into out/', async () => Promise.reject(err)));
          },
        }),
      });
      return { code, stderr: written.join('') };
    } finally {
      process.env = saved;
    }
  }

  it('never prints "unexpected error" without the step and the cause', async () => {
    const { code, stderr } = await run(coded('aborted', 'ECONNRESET'), { CASEBOOK_DEBUG: undefined });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^casebook: unexpected error while exporting the site into out\/ \(after \d+ ms\): aborted — the connection closed before the whole response \(or request body\) arrived \[ECONNRESET\]\n {2}→ rerun with CASEBOOK_DEBUG=1/,
    );
  });

  it('prints every stack under CASEBOOK_DEBUG=1', async () => {
    const { stderr } = await run(new TypeError('fetch failed', { cause: coded('other side closed', 'UND_ERR_SOCKET', 'SocketError') }), {
      CASEBOOK_DEBUG: '1',
    });
    expect(stderr).toContain('StepError: exporting the site into out/');
    expect(stderr).toContain('caused by: TypeError: fetch failed\n    at ');
    expect(stderr).toContain('caused by: SocketError: other side closed');
  });

  it('prints a CliError as its message and hint', async () => {
    const { code, stderr } = await run(new CliError('the round is closed', 1, 'open it first'), { CASEBOOK_DEBUG: undefined });
    expect({ code, stderr }).toEqual({ code: 1, stderr: 'casebook: the round is closed\n  → open it first\n' });
  });
});
