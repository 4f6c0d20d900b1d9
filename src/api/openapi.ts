/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas of each route.
 * JSON Schema 2020-12 is OpenAPI 3.1's schema dialect, so `z.toJSONSchema` output is used as is.
 */
import * as z from 'zod';
import type { ZodType } from 'zod';
import { ROUTES } from './routes';
import { routeKeyOf } from './router';
import * as s from './schemas';

interface Contract {
  request?: ZodType;
  response: ZodType;
  /** Status of success (default 200). */
  status?: number;
  /** Non-JSON success bodies. */
  contentType?: string;
  /** Error statuses the route can return besides 400/401/500. */
  errors?: number[];
  /** The same request as an HTML form post (routes with `form`). */
  formRequest?: ZodType;
  /** Other success statuses, e.g. 303 to the site after a form post. */
  alsoStatus?: Record<number, string>;
  /** Other success bodies (binary files), by content type. */
  alsoContent?: Record<string, string>;
}

/** GET /auth/config (src/auth/config.ts). */
const authConfigSchema = z.object({
  issuer: z.string(),
  clientId: z.string(),
  authorizationEndpoint: z.string(),
  tokenEndpoint: z.string(),
  logoutEndpoint: z.string(),
  revocationEndpoint: z.string(),
  userInfoEndpoint: z.string(),
  discoveryUrl: z.string(),
  scopes: z.array(z.string()),
  cliLoginPorts: z.array(z.number().int()),
});

export const CONTRACT: Record<string, Contract> = {
  'GET /openapi.json': { response: z.object({ openapi: z.string() }).loose() },
  'GET /auth/config': { response: authConfigSchema },
  'GET /rounds': { response: s.roundListSchema },
  'GET /rounds/{roundId}': { response: s.roundPublicSchema, errors: [404] },
  'GET /rounds/{roundId}/staff-view': { response: s.roundStaffSchema, errors: [403, 404] },
  'POST /rounds': { request: s.createRoundSchema, response: s.roundOfficeSchema, status: 201, errors: [403, 409] },
  'PATCH /rounds/{roundId}': { request: s.amendRoundSchema, response: s.roundOfficeSchema, errors: [403, 404, 422] },
  'POST /rounds/{roundId}/open': { response: s.roundOfficeSchema, errors: [403, 404, 422] },
  'POST /rounds/{roundId}/close': { response: s.roundOfficeSchema, errors: [403, 404, 422] },
  'POST /rounds/{roundId}/proceed': { request: s.proceedSchema, response: s.roundOfficeSchema, errors: [403, 404, 422] },
  'GET /rounds/{roundId}/dashboard': { response: s.dashboardSchema, errors: [403, 404] },
  'POST /rounds/{roundId}/submissions': {
    request: s.startSubmissionSchema,
    response: s.uploadTicketSchema,
    status: 201,
    errors: [403, 404, 422],
  },
  'GET /rounds/{roundId}/submissions': { response: s.submissionListSchema, errors: [403, 404] },
  'GET /rounds/{roundId}/submissions/{submissionId}': { response: s.submissionViewSchema, errors: [403, 404] },
  'GET /rounds/{roundId}/cases': { response: s.caseListSchema, errors: [403, 404] },
  'GET /cases/{caseId}': { response: s.caseViewSchema, errors: [403, 404] },
  'GET /cases/{caseId}/record': { response: s.caseRecordSchema, errors: [403, 404] },
  'POST /cases/{caseId}/corrections': { request: s.correctionSchema, response: s.caseViewSchema, errors: [403, 404, 422] },
  'POST /cases/{caseId}/withdraw': { request: s.withdrawSchema, response: s.caseViewSchema, errors: [403, 404, 422] },
  'POST /cases/{caseId}/reviewers/{reviewerId}/replace': {
    request: s.replaceReviewerSchema,
    response: s.caseViewSchema,
    errors: [403, 404, 422],
  },
  'GET /tasks': { response: s.taskListSchema },
  'GET /tasks/{taskId}': { response: s.taskViewSchema, errors: [403, 404] },
  'POST /tasks/{taskId}/decision': { request: s.decisionBodySchema, response: s.decisionResultSchema, errors: [403, 404, 409, 410, 422] },
  'POST /rounds/{roundId}/objections': {
    request: s.fileObjectionSchema,
    formRequest: s.fileObjectionFormSchema,
    response: s.objectionFiledSchema,
    status: 201,
    errors: [404, 415, 422, 429],
    alsoStatus: {
      200: 'The same text against the same case was filed before: counted on that objection (`repeat: true`), not filed again',
      303: 'Form post: back to `returnTo` when it is a page under the public site (SITE_BASE_URL)',
    },
  },
  'GET /rounds/{roundId}/objections': { response: s.objectionListSchema, errors: [403, 404] },
  'GET /outbox': { response: s.outboxSchema, errors: [403] },
  'POST /outbox/{notificationId}/release': { response: s.notificationSchema, errors: [403, 404, 409] },
  'GET /rounds/{roundId}/export': {
    response: s.roundExportSchema,
    errors: [403, 404, 422],
    alsoContent: {
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
        '?format=docx: the announcement and its annex as a Word document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '?format=xlsx: the score sheet as an Excel workbook',
    },
  },
  'GET /rounds/{roundId}/audit': { response: z.string(), contentType: 'application/x-ndjson', errors: [403, 404] },
  'GET /rounds/{roundId}/audit/verify': { response: s.auditVerifySchema, errors: [403, 404] },
  'GET /users': { response: s.userListSchema, errors: [403, 503] },
  'POST /users/import': { request: s.importUsersSchema, response: s.importReportSchema, errors: [403, 503] },
  'POST /users/{username}/disable': { response: s.directoryUserSchema, errors: [403, 404, 409, 503] },
  'POST /users/{username}/enable': { response: s.directoryUserSchema, errors: [403, 404, 503] },
  'POST /users/{username}/resend-invite': { response: s.resendInviteResultSchema, errors: [403, 404, 409, 503] },
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (validation issues per field)',
  401: 'No or invalid token',
  403: 'The caller’s role or unit may not do this',
  404: 'Not found (or not visible to the caller)',
  409: 'Already decided or conflicting state',
  410: 'Expired',
  415: 'A form body on a route that takes JSON only',
  422: 'Wrong state of the round, case or task; or content refused (OBJECTION_*)',
  429: 'Too many requests: the route throttle ({"message":"Too Many Requests"}) or the per-source limit (OBJECTION_RATE_LIMITED, with Retry-After)',
  500: 'Internal error',
  503: 'The user directory is not configured or not reachable',
};

function schemaOf(t: ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(t, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const key = routeKeyOf(route);
    const c = CONTRACT[key];
    if (!c) throw new Error(`no contract for ${key}`);
    const params: Record<string, unknown>[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.html) params.push({ name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'html'] } });
    const errorResponses = Object.fromEntries(
      [400, ...(route.auth === 'jwt' ? [401] : []), ...(c.errors ?? []), 500].map((st) => [
        String(st),
        { description: ERROR_TEXT[st] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      ]),
    );
    const op: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
      summary: route.summary,
      ...(route.auth === 'jwt' ? { security: [{ cognito: [] }] } : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(c.request
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: schemaOf(c.request) },
                ...(route.form && c.formRequest ? { 'application/x-www-form-urlencoded': { schema: schemaOf(c.formRequest) } } : {}),
              },
            },
          }
        : {}),
      responses: {
        [String(c.status ?? 200)]: {
          description: route.html ? 'Success (JSON; an HTML page with Accept: text/html or ?format=html)' : 'Success',
          content: {
            [c.contentType ?? 'application/json']: { schema: schemaOf(c.response) },
            ...(route.html || route.form ? { 'text/html': { schema: { type: 'string' } } } : {}),
            ...Object.fromEntries(
              Object.entries(c.alsoContent ?? {}).map(([type, description]) => [
                type,
                { schema: { type: 'string', contentMediaType: type, description } },
              ]),
            ),
          },
        },
        ...Object.fromEntries(
          Object.entries(c.alsoStatus ?? {}).map(([st, description]) => [
            st,
            Number(st) >= 300
              ? { description, headers: { Location: { schema: { type: 'string' } } } }
              : { description, content: { [c.contentType ?? 'application/json']: { schema: schemaOf(c.response) } } },
          ]),
        ),
        ...errorResponses,
      },
      'x-casebook-function': route.fn,
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = op;
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'casebook API',
      version: '1.0.0',
      description:
        'Selection rounds of innovation cases. Roles come from the JWT (Cognito groups: applicant, reviewer, secretariat, approver; custom:unitCode binds an applicant to one unit). Errors are { error: { code, message: { zh, en } } }.',
    },
    paths,
    components: {
      schemas: { Error: schemaOf(s.errorSchema) },
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
  return cached;
}
