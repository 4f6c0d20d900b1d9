/**
 * The API's router: matches an API Gateway HTTP API (payload v2.0) event against the shared
 * route table, finds the caller in the authorizer's claims, parses the JSON body and maps
 * thrown ApiErrors to `{ error: { code, message: { zh, en } } }` responses.
 *
 * One router serves both Lambdas (`api` and `decide`); each only accepts its own routes so a
 * mis-wired integration fails loudly instead of letting `api` send task results.
 */
import type { ZodType } from 'zod';
import type { Actor } from '../domain/model';
import { actorFromClaims, type Claims } from './auth';
import { apiErrorOf, badJson, errorBody, routeNotFound, unauthenticated, unsupportedMediaType } from './errors';
import { invalidInput } from '../usecases/errors';
import { errorPage, HTML_CONTENT_TYPE, HTML_HEADERS, prefersHtml } from './html';
import { ROUTES, type RouteSpec } from './routes';
import { zodIssues } from '../domain/zod-issues';

/** The parts of a payload v2.0 event the router reads (API Gateway's type is assignable to it). */
export interface HttpEvent {
  routeKey?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: {
    http: { method: string; path?: string; sourceIp?: string };
    authorizer?: { jwt?: { claims?: Claims } };
  };
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** The body is base64 of binary bytes (a Word or Excel file): API Gateway decodes it. */
  isBase64Encoded?: boolean;
}

export interface RequestContext {
  route: RouteSpec;
  actor: Actor | undefined;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the fields of a form post (undefined when there is none). */
  rawBody: unknown;
  /** The body came from an HTML form (only on routes with `form`): answer for a browser. */
  isForm: boolean;
  /** The caller asked for HTML (only on routes with `html`). */
  wantsHtml: boolean;
  /** The caller's address as the gateway saw it (payload v2.0 requestContext.http.sourceIp). */
  sourceIp: string | undefined;
  /** Size of the request body in bytes, as received. */
  bodyBytes: number;
  /** Parse the body with a schema; a mismatch becomes a 400 naming each field. */
  body<T>(schema: ZodType<T>): T;
  /** The caller, or a 401 when there is none. */
  requireActor(): Actor;
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** Default JSON; text bodies (JSON lines, SVG) pass a string body with their type, files their bytes. */
  contentType?: string;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: RequestContext) => Promise<Reply>;

/** How a route shows its errors to a browser: the error page's way back, if any. */
export type HtmlErrorLink = (req: { params: Record<string, string>; rawBody: unknown }) => { href: string; label: string } | undefined;
export type RouteKey = `${RouteSpec['method']} ${string}`;
export type Handlers = Record<string, RouteHandler>;

export const routeKeyOf = (r: Pick<RouteSpec, 'method' | 'path'>): string => `${r.method} ${r.path}`;

const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  // route paths hold only letters, '/', '.', '-' and {params}: escaping '.' is enough
  const pattern = route.path.replace(/\./g, '\\.').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, regex: new RegExp(`^${pattern}/?$`) };
});

export function matchRoute(method: string, path: string): { route: RouteSpec; params: Record<string, string> } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method.toUpperCase()) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { route: c.route, params };
  }
  return undefined;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(status: number, body: unknown, extra: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...extra },
    body: JSON.stringify(body),
  };
}

export interface RouterOptions {
  fn: RouteSpec['fn'];
  handlers: Handlers;
  /** Called with unexpected errors (not coded ones) so the Lambda can log them. */
  onUnexpected?: (err: unknown) => void;
  /** Per route key: the link back on an HTML error page (form posts from the public site). */
  errorLinks?: Record<string, HtmlErrorLink>;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

export function createRouter(opts: RouterOptions): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath || event.requestContext.http.path || '/';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
    const isFormBody = (headers['content-type'] ?? '').toLowerCase().split(';')[0]!.trim() === FORM_TYPE;
    // errors answer in HTML only where the route speaks HTML to a browser
    let htmlErrors: { params: Record<string, string>; rawBody: unknown; key: string } | undefined;
    try {
      const matched = matchRoute(method, path);
      if (!matched || matched.route.fn !== opts.fn) throw routeNotFound(method, path);
      const key = routeKeyOf(matched.route);
      const handler = opts.handlers[key];
      if (!handler) throw routeNotFound(method, path);
      const isForm = isFormBody && matched.route.form === true;
      const wantsHtml = matched.route.html === true && prefersHtml(headers.accept, query.format);
      if (isForm || wantsHtml) htmlErrors = { params: matched.params, rawBody: undefined, key };
      const actor = actorFromClaims(event.requestContext.authorizer?.jwt?.claims);
      if (matched.route.auth === 'jwt' && !actor) throw unauthenticated();
      if (isFormBody && !isForm) throw unsupportedMediaType();
      const rawBody = isForm ? parseForm(event) : parseBody(event);
      if (htmlErrors) htmlErrors.rawBody = rawBody;
      const req: RequestContext = {
        route: matched.route,
        actor,
        params: { ...matched.params },
        query,
        headers,
        rawBody,
        isForm,
        wantsHtml,
        sourceIp: event.requestContext.http.sourceIp,
        bodyBytes: bodyBytes(event),
        body<T>(schema: ZodType<T>): T {
          const parsed = schema.safeParse(rawBody ?? {});
          if (!parsed.success) throw invalidInput(zodIssues(parsed.error));
          return parsed.data;
        },
        requireActor() {
          if (!actor) throw unauthenticated();
          return actor;
        },
      };
      const reply = await handler(req);
      const status = reply.status ?? 200;
      if (reply.contentType && reply.body instanceof Uint8Array) {
        return {
          statusCode: status,
          headers: { 'content-type': reply.contentType, ...SECURITY_HEADERS, ...(reply.headers ?? {}) },
          body: Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength).toString('base64'),
          isBase64Encoded: true,
        };
      }
      if (reply.contentType && typeof reply.body === 'string') {
        return {
          statusCode: status,
          headers: { 'content-type': reply.contentType, ...SECURITY_HEADERS, ...(reply.headers ?? {}) },
          body: reply.body,
        };
      }
      if (status === 204) return { statusCode: 204, headers: { ...SECURITY_HEADERS }, body: '' };
      return json(status, reply.body ?? {}, reply.headers);
    } catch (err) {
      const apiErr = apiErrorOf(err);
      if (apiErr && htmlErrors) {
        const back = opts.errorLinks?.[htmlErrors.key]?.(htmlErrors);
        return {
          statusCode: apiErr.status,
          headers: { 'content-type': HTML_CONTENT_TYPE, ...SECURITY_HEADERS, ...HTML_HEADERS, ...(apiErr.headers ?? {}) },
          body: errorPage(apiErr, back),
        };
      }
      if (apiErr) return json(apiErr.status, errorBody(apiErr), apiErr.headers);
      opts.onUnexpected?.(err);
      return json(500, {
        error: {
          code: 'INTERNAL',
          message: {
            zh: '伺服器內部錯誤，請稍後再試；如持續發生請聯絡辦公室。',
            en: 'Internal error; try again later, and tell the office if it persists.',
          },
        },
      });
    }
  };
}

function bodyBytes(event: HttpEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Buffer.byteLength(event.body, 'base64') : Buffer.byteLength(event.body, 'utf8');
}

function bodyText(event: HttpEvent): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/**
 * A form's fields as strings, the first value of a repeated name; an empty field counts as
 * absent, as a browser sends every field of the form whether filled in or not.
 */
function parseForm(event: HttpEvent): Record<string, string> {
  const fields = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(bodyText(event) ?? '')) if (!fields.has(k) && v !== '') fields.set(k, v);
  // fromEntries defines own properties: a field named __proto__ stays a plain field
  return Object.fromEntries(fields);
}

function parseBody(event: HttpEvent): unknown {
  const text = bodyText(event);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badJson();
  }
}
