/**
 * HTTP for the load harness: plain node:http over loopback, each simulated source bound to its
 * own 127.0.0.0/8 address (`localAddress`) so the local API sees distinct source addresses the
 * way API Gateway would see distinct clients. Keep-alive agents per source; no retries here.
 */
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
  json(): any;
}

const agents = new Map<string, Agent>();

function agentFor(localAddress: string | undefined): Agent {
  const key = localAddress ?? 'default';
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 64, ...(localAddress ? { localAddress } : {}) });
    agents.set(key, agent);
  }
  return agent;
}

export function closeAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

export async function call(
  method: string,
  url: string,
  opts: {
    token?: string;
    json?: unknown;
    form?: Record<string, string>;
    body?: Buffer;
    headers?: Record<string, string>;
    from?: string;
    timeoutMs?: number;
  } = {},
): Promise<Reply> {
  try {
    return await callOnce(method, url, opts);
  } catch (err) {
    // a kept-alive socket the server closed as it was reused: the request never reached it (Node's documented retry case)
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET')
      return callOnce(method, url, opts);
    throw err;
  }
}

function callOnce(
  method: string,
  url: string,
  opts: {
    token?: string;
    json?: unknown;
    form?: Record<string, string>;
    body?: Buffer;
    headers?: Record<string, string>;
    from?: string;
    timeoutMs?: number;
  } = {},
): Promise<Reply> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost')
    throw new Error(`the load harness talks to loopback only, not ${u.hostname}`);
  const body =
    opts.body ??
    (opts.json !== undefined
      ? Buffer.from(JSON.stringify(opts.json))
      : opts.form
        ? Buffer.from(new URLSearchParams(opts.form).toString())
        : undefined);
  const headers: Record<string, string> = {
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    ...(opts.json !== undefined
      ? { 'content-type': 'application/json' }
      : opts.form
        ? { 'content-type': 'application/x-www-form-urlencoded' }
        : {}),
    ...(body ? { 'content-length': String(body.length) } : {}),
    ...(opts.headers ?? {}),
  };
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        headers,
        agent: agentFor(opts.from),
        timeout: opts.timeoutMs ?? 120_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            ms: performance.now() - t0,
            json: () => JSON.parse(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${u.pathname}: no answer in ${opts.timeoutMs ?? 120_000} ms`)));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    if (body) req.write(body);
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

/** Runs `fn` over items with at most `limit` at once. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
