/**
 * The route handlers: each parses its input with the route's schema and calls one use case.
 * Both Lambdas build their router from this table (`fn` picks which routes each serves).
 */
import * as z from 'zod';
import { authConfig } from '../auth/config';
import { config } from '../config';
import { TASK_STATUSES, type Actor } from '../domain/model';
import type { ApiDeps } from '../usecases/api/ports';
import * as rounds from '../usecases/api/rounds';
import * as submissions from '../usecases/api/submissions';
import * as cases from '../usecases/api/cases';
import * as tasks from '../usecases/api/tasks';
import * as office from '../usecases/api/office';
import { readRoundForStaff } from '../usecases/api/round-staff';
import { readCaseRecord } from '../usecases/api/case-record';
import * as exports from '../usecases/api/exports';
import { invalidInput } from '../usecases/errors';
import * as users from '../usecases/api/users';
import { dashboard, dashboardWithRound } from '../usecases/api/dashboard';
import { dashboardPage } from './pages/dashboard';
import { sitePaths } from '../domain/site/paths';
import { SCRIPTS } from '../domain/model';
import { bilingualHtml, esc, HTML_CONTENT_TYPE, HTML_HEADERS, htmlPage } from './html';
import { openApiDocument } from './openapi';
import { siteRedirect } from './redirect';
import type { HtmlErrorLink, Handlers, RequestContext, Reply } from './router';
import * as s from './schemas';
import { OBJECTION_LIMITS } from '../domain/objections/guard';
import { bodyTooLarge } from '../usecases/api/objection-guard';

const taskStatusQuery = z.enum(TASK_STATUSES).optional();
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const EXPORT_FORMATS = ['json', 'docx', 'xlsx'] as const;
const isExportFormat = (f: string): f is (typeof EXPORT_FORMATS)[number] => (EXPORT_FORMATS as readonly string[]).includes(f);

export function buildHandlers(deps: ApiDeps): Handlers {
  const p = (req: { params: Record<string, string> }, name: string) => req.params[name] ?? '';
  return {
    'GET /openapi.json': async () => ({ body: openApiDocument() }),
    'GET /auth/config': async () => ({
      headers: { 'cache-control': 'public, max-age=300' },
      body: authConfig({
        issuer: config.authIssuer,
        clientId: config.authClientId,
        domainUrl: config.authDomainUrl,
        ...(config.authDiscoveryUrl ? { discoveryUrl: config.authDiscoveryUrl } : {}),
      }),
    }),
    'GET /rounds': async () => ({ body: await rounds.listRounds(deps) }),
    'GET /rounds/{roundId}': async (req) => ({ body: await rounds.readRound(deps, p(req, 'roundId')) }),
    'GET /rounds/{roundId}/staff-view': async (req) => ({ body: await readRoundForStaff(deps, req.requireActor(), p(req, 'roundId')) }),
    'POST /rounds': async (req) => ({
      status: 201,
      body: await rounds.createRound(deps, req.requireActor(), req.body(s.createRoundSchema)),
    }),
    'PATCH /rounds/{roundId}': async (req) => {
      const input = req.body(s.amendRoundSchema);
      // the partial schema fills defaults for absent fields: keep only the fields the caller sent
      const sent = new Set(Object.keys((req.rawBody as { changes?: object } | undefined)?.changes ?? {}));
      const changes = Object.fromEntries(Object.entries(input.changes).filter(([k]) => sent.has(k)));
      return { body: await rounds.amendRound(deps, req.requireActor(), p(req, 'roundId'), { changes, reason: input.reason }) };
    },
    'POST /rounds/{roundId}/open': async (req) => ({ body: await rounds.openRound(deps, req.requireActor(), p(req, 'roundId')) }),
    'POST /rounds/{roundId}/close': async (req) => ({ body: await rounds.closeRound(deps, req.requireActor(), p(req, 'roundId')) }),
    'POST /rounds/{roundId}/proceed': async (req) => ({
      body: await rounds.proceedRound(deps, req.requireActor(), p(req, 'roundId'), req.body(s.proceedSchema)),
    }),
    'GET /rounds/{roundId}/dashboard': async (req) =>
      req.wantsHtml
        ? {
            contentType: HTML_CONTENT_TYPE,
            headers: { ...HTML_HEADERS, vary: 'Accept' },
            body: await dashboardHtmlPage(deps, req.requireActor(), p(req, 'roundId')),
          }
        : { headers: { vary: 'Accept' }, body: await dashboard(deps, req.requireActor(), p(req, 'roundId')) },
    'POST /rounds/{roundId}/submissions': async (req) => ({
      status: 201,
      body: await submissions.startSubmission(deps, req.requireActor(), p(req, 'roundId'), req.body(s.startSubmissionSchema)),
    }),
    'GET /rounds/{roundId}/submissions': async (req) => ({
      body: await submissions.listSubmissions(deps, req.requireActor(), p(req, 'roundId')),
    }),
    'GET /rounds/{roundId}/submissions/{submissionId}': async (req) => ({
      body: await submissions.readSubmission(deps, req.requireActor(), p(req, 'roundId'), p(req, 'submissionId')),
    }),
    'GET /rounds/{roundId}/cases': async (req) => ({ body: await cases.listCases(deps, req.requireActor(), p(req, 'roundId')) }),
    'GET /cases/{caseId}': async (req) => ({ body: await cases.readCase(deps, req.requireActor(), p(req, 'caseId')) }),
    'GET /cases/{caseId}/record': async (req) => ({ body: await readCaseRecord(deps, req.requireActor(), p(req, 'caseId')) }),
    'POST /cases/{caseId}/corrections': async (req) => ({
      body: await cases.correctCase(deps, req.requireActor(), p(req, 'caseId'), req.body(s.correctionSchema)),
    }),
    'POST /cases/{caseId}/withdraw': async (req) => ({
      body: await cases.withdrawCase(deps, req.requireActor(), p(req, 'caseId'), req.body(s.withdrawSchema)),
    }),
    'POST /cases/{caseId}/reviewers/{reviewerId}/replace': async (req) => ({
      body: await cases.replaceReviewer(
        deps,
        req.requireActor(),
        p(req, 'caseId'),
        p(req, 'reviewerId'),
        req.body(s.replaceReviewerSchema),
      ),
    }),
    'GET /tasks': async (req) => {
      const status = taskStatusQuery.safeParse(req.query.status);
      return { body: await tasks.listMyTasks(deps, req.requireActor(), status.success ? status.data : undefined) };
    },
    'GET /tasks/{taskId}': async (req) => ({ body: await tasks.readTask(deps, req.requireActor(), p(req, 'taskId')) }),
    'POST /tasks/{taskId}/decision': async (req) => {
      const actor = req.requireActor();
      // the shape depends on the task's kind: the workflow use case checks it against the kind
      return { body: await tasks.decide(deps, actor, p(req, 'taskId'), req.rawBody ?? {}) };
    },
    'POST /rounds/{roundId}/objections': async (req) => {
      // refused before the body is parsed: a flood of large bodies costs no parsing
      if (req.bodyBytes > OBJECTION_LIMITS.maxBodyBytes) throw bodyTooLarge(req.bodyBytes);
      if (req.isForm) return objectionFormPost(deps, req);
      const filed = await office.fileObjection(deps, p(req, 'roundId'), req.body(s.fileObjectionSchema), { sourceIp: req.sourceIp });
      return { status: filed.repeat ? 200 : 201, body: filed };
    },
    'GET /rounds/{roundId}/objections': async (req) => ({ body: await office.listObjections(deps, req.requireActor(), p(req, 'roundId')) }),
    'GET /outbox': async (req) => ({ body: await office.listOutbox(deps, req.requireActor(), req.query.status) }),
    'POST /outbox/{notificationId}/release': async (req) => ({
      body: await office.releaseNotification(deps, req.requireActor(), p(req, 'notificationId')),
    }),
    'GET /rounds/{roundId}/export': async (req) => {
      const format = req.query.format ?? 'json';
      if (!isExportFormat(format)) {
        throw invalidInput([
          {
            code: 'EXPORT_FORMAT',
            field: 'format',
            message: {
              zh: `不支援的匯出格式「${format}」；可用：json、docx、xlsx。`,
              en: `Unknown export format "${format}"; use json, docx or xlsx.`,
            },
          },
        ]);
      }
      const actor = req.requireActor();
      const roundId = p(req, 'roundId');
      const data = await exports.roundExport(deps, actor, roundId);
      if (format === 'json') return { body: data };
      // the Word and Excel writers load on the first file, never at the Lambda's init
      const file =
        format === 'docx'
          ? { bytes: await (await import('../domain/export/docx')).announcementDocx(data), type: DOCX_TYPE }
          : { bytes: await (await import('../domain/export/xlsx')).scoreSheetXlsx(data), type: XLSX_TYPE };
      const name = `${roundId}-${format === 'docx' ? 'announcement' : 'scores'}.${format}`;
      return {
        contentType: file.type,
        headers: { 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
        body: file.bytes,
      };
    },
    'GET /rounds/{roundId}/audit': async (req) => ({
      contentType: 'application/x-ndjson; charset=utf-8',
      body: await office.exportAudit(deps, req.requireActor(), p(req, 'roundId')),
    }),
    'GET /rounds/{roundId}/audit/verify': async (req) => ({ body: await office.verifyAudit(deps, req.requireActor(), p(req, 'roundId')) }),
    'GET /users': async (req) => ({ body: await users.listUsers(deps, req.requireActor()) }),
    'POST /users/import': async (req) => {
      const actor = req.requireActor();
      // role first: a reviewer posting a malformed body learns it may not import, not what is malformed
      users.requireOffice(actor);
      return { body: await users.importUsers(deps, actor, req.body(s.importUsersSchema)) };
    },
    'POST /users/{username}/disable': async (req) => ({
      body: await users.setUserEnabled(deps, req.requireActor(), p(req, 'username'), false),
    }),
    'POST /users/{username}/enable': async (req) => ({
      body: await users.setUserEnabled(deps, req.requireActor(), p(req, 'username'), true),
    }),
    'POST /users/{username}/resend-invite': async (req) => ({
      body: await users.resendInvite(deps, req.requireActor(), p(req, 'username')),
    }),
  };
}

/**
 * The public notice page's form, posted by a browser without JavaScript: the same checks as the
 * JSON route, then back to the site's "received" page (303, so a reload does not post again)
 * when that page is ours, or a small page saying the objection was received.
 */
async function objectionFormPost(deps: ApiDeps, req: RequestContext): Promise<Reply> {
  const form = req.body(s.fileObjectionFormSchema);
  const filed = await office.fileObjection(
    deps,
    req.params.roundId ?? '',
    { caseId: form.caseId, text: form.text, ...(form.contact ? { contact: form.contact } : {}) },
    { sourceIp: req.sourceIp },
  );
  const target = siteRedirect(form.returnTo, deps.siteBaseUrl);
  if (target) {
    return {
      status: 303,
      contentType: HTML_CONTENT_TYPE,
      headers: { ...HTML_HEADERS, location: target },
      body: htmlPage({ title: '異議已收到', main: `<h1>異議已收到</h1>\n<p><a href="${esc(target)}">繼續</a></p>` }),
    };
  }
  const back = noticePageLink(deps, req.params.roundId ?? '', form.script);
  return {
    status: 201,
    contentType: HTML_CONTENT_TYPE,
    headers: HTML_HEADERS,
    body: htmlPage({
      title: '異議已收到',
      main:
        `<h1>異議已收到</h1>\n` +
        bilingualHtml(
          filed.repeat
            ? {
                zh: `相同內容的異議已於 ${filed.filedAt} 登記（編號 ${filed.objectionId}），這次提交已合併計數，不另行登記；辦公室會在公示期後處理。`,
                en: `The same objection was already filed at ${filed.filedAt} (number ${filed.objectionId}); this post is counted with it, not filed again. The office rules on it after the notice period.`,
              }
            : {
                zh: `您的異議已登記（編號 ${filed.objectionId}，時間 ${filed.filedAt}），辦公室會在公示期後處理。`,
                en: `Your objection was filed (number ${filed.objectionId}, at ${filed.filedAt}); the office rules on it after the notice period.`,
              },
        ) +
        (back ? `\n<p><a href="${esc(back.href)}">${esc(back.label)}</a></p>` : ''),
    }),
  };
}

/** The round's notice page on the public site, when the site's address is known. */
function noticePageLink(deps: ApiDeps, roundId: string, script: unknown): { href: string; label: string } | undefined {
  if (!deps.siteBaseUrl || !roundId) return undefined;
  const sc = (SCRIPTS as readonly unknown[]).includes(script) ? (script as (typeof SCRIPTS)[number]) : 'hant';
  return {
    href: `${deps.siteBaseUrl.replace(/\/+$/, '')}/${sitePaths.round(sc, roundId)}`,
    label: sc === 'hans' ? '返回公示页面' : '返回公示頁面',
  };
}

/** Where an HTML error page points back to, per route. */
export function htmlErrorLinks(deps: ApiDeps): Record<string, HtmlErrorLink> {
  return {
    'POST /rounds/{roundId}/objections': (req) =>
      noticePageLink(deps, req.params.roundId ?? '', (req.rawBody as { script?: unknown } | undefined)?.script),
  };
}

/** The dashboard as a page for a browser without JavaScript: the same data, charts with tables. */
async function dashboardHtmlPage(deps: ApiDeps, actor: Actor, roundId: string): Promise<string> {
  const { round, view } = await dashboardWithRound(deps, actor, roundId);
  return dashboardPage(round, view, deps.now().toISOString());
}
