/**
 * The HTTP API and the CloudFront-fronted site, locally.
 *
 * API: routes from the template (most specific match first, as API Gateway picks them), the JWT
 * authorizer played by the local issuer (401 `{"message":"Unauthorized"}` before the Lambda runs),
 * and API Gateway HTTP API payload format 2.0 in both directions.
 *
 * Site: the site bucket served like the distribution (index.html for directories, the content
 * type stored with the object, the response headers policy of the stack), and `console/` from
 * the repository at `/console/`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { flattenClaims, type LocalIssuer } from './issuer';
import { leaveIdleConnectionsToClients } from './net';
import { LOCAL_ACCOUNT } from './topology';
import type { RouteSpecLocal } from './topology';

export interface CorsSettings {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials?: boolean;
}

export interface ApiServerOptions {
  routes: readonly RouteSpecLocal[];
  issuer: LocalIssuer;
  /** `queue`: the route key, so each route waits its own turn for the local cloud's invocation slots. */
  invoke(functionName: string, event: unknown, queue?: string): Promise<unknown>;
  cors?: CorsSettings;
  port?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface CompiledRoute extends RouteSpecLocal {
  routeKey: string;
  segments: string[];
  greedy: boolean;
  /** Higher is more specific. */
  rank: number[];
}

function compile(route: RouteSpecLocal): CompiledRoute {
  const segments = route.path.split('/').filter(Boolean);
  const greedy = segments.at(-1)?.endsWith('+}') ?? false;
  // Literal segments outrank parameters, parameters outrank greedy ones, left to right.
  const rank = segments.map((s) => (s.endsWith('+}') ? 0 : s.startsWith('{') ? 1 : 2));
  return { ...route, routeKey: `${route.method} ${route.path}`, segments, greedy, rank };
}

function matchRoute(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    if (seg.endsWith('+}')) {
      if (i >= parts.length) return undefined;
      params[seg.slice(1, -2)] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith('{')) params[seg.slice(1, -1)] = part;
    else if (seg !== part) return undefined;
  }
  return parts.length === route.segments.length ? params : undefined;
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (b[i] ?? -1) - (a[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[a-z.+-]*\+json|[a-z.+-]*\+xml))/i;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json', ...headers });
}

function corsHeaders(cors: CorsSettings | undefined, origin: string | undefined): Record<string, string> {
  if (!cors || !origin) return {};
  const allowed = cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin);
  if (!allowed) return {};
  return {
    'access-control-allow-origin': cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin,
    ...(cors.exposeHeaders.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'origin',
  };
}

/** Builds the payload-format-2.0 event API Gateway sends to the integration. */
export function buildHttpApiEvent(args: {
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  route: CompiledRoute;
  pathParameters: Record<string, string>;
  claims?: Record<string, string>;
  apiId: string;
  domainName: string;
}): Record<string, unknown> {
  const { req, url, body, route } = args;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies.push(...String(value).split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: args.apiId,
      ...(args.claims ? { authorizer: { jwt: { claims: args.claims, scopes: null } } } : {}),
      domainName: args.domainName,
      domainPrefix: args.domainName.split('.')[0],
      http: {
        method: req.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(args.pathParameters).length ? { pathParameters: args.pathParameters } : {}),
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
  return event;
}

/** Applies a payload-2.0 Lambda result to the response the way API Gateway interprets it. */
function writeLambdaResult(res: ServerResponse, result: unknown, extraHeaders: Record<string, string>): void {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const r = result as {
      statusCode: number;
      headers?: Record<string, string | number | boolean>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    };
    const headers: Record<string, string | string[]> = { ...extraHeaders };
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    const body = r.body === undefined ? Buffer.alloc(0) : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
    headers['content-length'] = String(body.length);
    res.writeHead(r.statusCode, headers);
    res.end(body);
    return;
  }
  // No statusCode: API Gateway treats the result as a JSON body with status 200.
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  send(res, 200, body, { 'content-type': 'application/json', ...extraHeaders });
}

/**
 * API Gateway's throttle for one route: a token bucket of `burstLimit` tokens refilled at
 * `rateLimit` a second; a request without a token is answered 429 before the integration runs.
 */
export function tokenBucket(limit: { rateLimit: number; burstLimit: number }, now: () => number = () => performance.now()) {
  let tokens = limit.burstLimit;
  let last = now();
  return {
    take(): boolean {
      const t = now();
      tokens = Math.min(limit.burstLimit, tokens + ((t - last) / 1000) * limit.rateLimit);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningServer> {
  const routes = options.routes.map(compile).sort((a, b) => compareRank(a.rank, b.rank));
  // one bucket per route key, as each route's setting is metered on its own
  const buckets = new Map(routes.filter((r) => r.throttle).map((r) => [r.routeKey, tokenBucket(r.throttle!)]));
  const apiId = 'localapi';
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      options.log?.(`api: ${req.method} ${req.url}: ${err.stack ?? err.message}`);
      if (!res.headersSent) json(res, 500, { message: 'Internal Server Error' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const cors = corsHeaders(options.cors, origin);
    if (req.method === 'OPTIONS' && options.cors && req.headers['access-control-request-method']) {
      // API Gateway answers CORS preflights itself when CORS is configured on the API.
      send(res, 204, '', {
        ...cors,
        'access-control-allow-methods': options.cors.allowMethods.join(','),
        'access-control-allow-headers': options.cors.allowHeaders.join(','),
        ...(options.cors.maxAge !== undefined ? { 'access-control-max-age': String(options.cors.maxAge) } : {}),
      });
      return;
    }
    if (url.pathname === '/.well-known/jwks.json') {
      json(res, 200, options.issuer.jwks, cors);
      return;
    }
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
    let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
    for (const route of routes) {
      if (route.method !== req.method && route.method !== 'ANY') continue;
      const params = matchRoute(route, parts);
      if (params) {
        matched = { route, params };
        break;
      }
    }
    if (!matched) {
      json(res, 404, { message: 'Not Found' }, cors);
      return;
    }
    if (buckets.get(matched.route.routeKey)?.take() === false) {
      // drain the body so the connection can be reused, as the gateway does
      await readBody(req);
      json(res, 429, { message: 'Too Many Requests' }, cors);
      return;
    }
    let claims: Record<string, string> | undefined;
    if (matched.route.auth === 'jwt') {
      const header = req.headers.authorization;
      const token = header?.replace(/^Bearer\s+/i, '').trim();
      if (!token) {
        json(res, 401, { message: 'Unauthorized' }, { ...cors, 'www-authenticate': 'Bearer' });
        return;
      }
      try {
        claims = flattenClaims(await options.issuer.verify(token));
      } catch {
        json(res, 401, { message: 'Unauthorized' }, { ...cors, 'www-authenticate': 'Bearer error="invalid_token"' });
        return;
      }
    }
    const body = await readBody(req);
    const event = buildHttpApiEvent({
      req,
      url,
      body,
      route: matched.route,
      pathParameters: matched.params,
      claims,
      apiId,
      domainName: url.host,
    });
    let result: unknown;
    try {
      result = await options.invoke(matched.route.functionName, event, `route:${matched.route.routeKey}`);
    } catch (err) {
      options.log?.(`api: ${matched.route.routeKey} → ${matched.route.functionName} failed: ${(err as Error).stack ?? err}`);
      json(res, 500, { message: 'Internal Server Error' }, cors);
      return;
    }
    writeLambdaResult(res, result, cors);
  }

  return listen(server, options.port);
}

function listen(server: Server, port = 0): Promise<RunningServer> {
  leaveIdleConnectionsToClients(server);
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no address'));
      resolveListen({
        url: `http://127.0.0.1:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface SiteServerOptions {
  s3Endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  bucket: string;
  headers: Record<string, string>;
  indexDocument: string;
  /** Directory served at /console/ (the web console's static files). */
  consoleDir?: string;
  /** Served as /console/config.json (the deployment writes one beside the console on AWS). */
  consoleConfig?: unknown;
  port?: number;
}

export async function startSiteServer(options: SiteServerOptions): Promise<RunningServer> {
  const s3 = new S3Client({ endpoint: options.s3Endpoint, region: 'us-east-1', credentials: options.credentials, forcePathStyle: true });
  const consoleRoot = options.consoleDir ? resolve(options.consoleDir) : undefined;

  const getObject = async (key: string) => {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      return { body: Buffer.from(await out.Body!.transformToByteArray()), contentType: out.ContentType, etag: out.ETag };
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket') return undefined;
      throw err;
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD', ...options.headers });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://site');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        send(res, 400, 'Bad Request', options.headers);
        return;
      }
      if (consoleRoot && (path === '/console' || path.startsWith('/console/'))) {
        if (path === '/console') {
          res.writeHead(301, { location: '/console/', ...options.headers });
          res.end();
          return;
        }
        if (path === '/console/config.json' && options.consoleConfig !== undefined) {
          const body = JSON.stringify(options.consoleConfig);
          send(res, 200, req.method === 'HEAD' ? '' : body, {
            'content-type': 'application/json',
            'cache-control': 'no-store',
            ...options.headers,
          });
          return;
        }
        let file = normalize(join(consoleRoot, path.slice('/console/'.length)));
        if (!file.startsWith(consoleRoot + sep) && file !== consoleRoot) {
          send(res, 403, 'Forbidden', options.headers);
          return;
        }
        if (existsSync(file) && statSync(file).isDirectory()) file = join(file, options.indexDocument);
        if (!existsSync(file) || !statSync(file).isFile()) {
          send(res, 404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8', ...options.headers });
          return;
        }
        const body = readFileSync(file);
        send(res, 200, req.method === 'HEAD' ? '' : body, {
          'content-type': contentTypeFor(file),
          'cache-control': 'no-cache',
          ...options.headers,
        });
        return;
      }
      const key = path.replace(/^\//, '');
      const candidates = key === '' || key.endsWith('/') ? [`${key}${options.indexDocument}`] : [key, `${key}/${options.indexDocument}`];
      for (const candidate of candidates) {
        const object = await getObject(candidate);
        if (!object) continue;
        if (candidate !== key && !key.endsWith('/') && key !== '') {
          // A directory without its slash: redirect so relative links in the page resolve.
          res.writeHead(301, { location: `${url.pathname}/${url.search}`, ...options.headers });
          res.end();
          return;
        }
        const type =
          object.contentType && object.contentType !== 'application/octet-stream' ? object.contentType : contentTypeFor(candidate);
        send(res, 200, req.method === 'HEAD' ? '' : object.body, {
          'content-type': type,
          ...(object.etag ? { etag: object.etag } : {}),
          ...options.headers,
        });
        return;
      }
      const notFound = await getObject('404.html');
      send(res, 404, notFound?.body ?? 'Not Found', {
        'content-type': notFound ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
        ...options.headers,
      });
    })().catch((err: Error) => {
      if (!res.headersSent) send(res, 502, `Bad Gateway: ${err.message}`, options.headers);
      else res.end();
    });
  });
  const running = await listen(server, options.port);
  return {
    ...running,
    close: async () => {
      await running.close();
      s3.destroy();
    },
  };
}
