/**
 * The route handlers: each parses its input with the route's schema and calls one use case.
 * Both Lambdas build their router from this table (`fn` picks which routes each serves).
 */
import { z } from 'zod';
import { TASK_STATUSES } from '../domain/model';
import type { ApiDeps } from '../usecases/api/ports';
import * as rounds from '../usecases/api/rounds';
import * as submissions from '../usecases/api/submissions';
import * as cases from '../usecases/api/cases';
import * as tasks from '../usecases/api/tasks';
import * as office from '../usecases/api/office';
import { dashboard } from '../usecases/api/dashboard';
import { openApiDocument } from './openapi';
import type { Handlers } from './router';
import * as s from './schemas';

const taskStatusQuery = z.enum(TASK_STATUSES).optional();

export function buildHandlers(deps: ApiDeps): Handlers {
  const p = (req: { params: Record<string, string> }, name: string) => req.params[name] ?? '';
  return {
    'GET /openapi.json': async () => ({ body: openApiDocument() }),
    'GET /rounds': async () => ({ body: await rounds.listRounds(deps) }),
    'GET /rounds/{roundId}': async (req) => ({ body: await rounds.readRound(deps, req.actor, p(req, 'roundId')) }),
    'POST /rounds': async (req) => ({ status: 201, body: await rounds.createRound(deps, req.requireActor(), req.body(s.createRoundSchema)) }),
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
    'GET /rounds/{roundId}/dashboard': async (req) => ({ body: await dashboard(deps, req.requireActor(), p(req, 'roundId')) }),
    'POST /rounds/{roundId}/submissions': async (req) => ({
      status: 201,
      body: await submissions.startSubmission(deps, req.requireActor(), p(req, 'roundId'), req.body(s.startSubmissionSchema)),
    }),
    'GET /rounds/{roundId}/submissions': async (req) => ({ body: await submissions.listSubmissions(deps, req.requireActor(), p(req, 'roundId')) }),
    'GET /rounds/{roundId}/submissions/{submissionId}': async (req) => ({
      body: await submissions.readSubmission(deps, req.requireActor(), p(req, 'roundId'), p(req, 'submissionId')),
    }),
    'GET /rounds/{roundId}/cases': async (req) => ({ body: await cases.listCases(deps, req.requireActor(), p(req, 'roundId')) }),
    'GET /cases/{caseId}': async (req) => ({ body: await cases.readCase(deps, req.requireActor(), p(req, 'caseId')) }),
    'POST /cases/{caseId}/corrections': async (req) => ({
      body: await cases.correctCase(deps, req.requireActor(), p(req, 'caseId'), req.body(s.correctionSchema)),
    }),
    'POST /cases/{caseId}/withdraw': async (req) => ({
      body: await cases.withdrawCase(deps, req.requireActor(), p(req, 'caseId'), req.body(s.withdrawSchema)),
    }),
    'POST /cases/{caseId}/reviewers/{reviewerId}/replace': async (req) => ({
      body: await cases.replaceReviewer(deps, req.requireActor(), p(req, 'caseId'), p(req, 'reviewerId'), req.body(s.replaceReviewerSchema)),
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
    'POST /rounds/{roundId}/objections': async (req) => ({
      status: 201,
      body: await office.fileObjection(deps, p(req, 'roundId'), req.body(s.fileObjectionSchema)),
    }),
    'GET /rounds/{roundId}/objections': async (req) => ({ body: await office.listObjections(deps, req.requireActor(), p(req, 'roundId')) }),
    'GET /outbox': async (req) => ({ body: await office.listOutbox(deps, req.requireActor(), req.query.status) }),
    'POST /outbox/{notificationId}/release': async (req) => ({
      body: await office.releaseNotification(deps, req.requireActor(), p(req, 'notificationId')),
    }),
    'GET /rounds/{roundId}/audit': async (req) => ({
      contentType: 'application/x-ndjson; charset=utf-8',
      body: await office.exportAudit(deps, req.requireActor(), p(req, 'roundId')),
    }),
    'GET /rounds/{roundId}/audit/verify': async (req) => ({ body: await office.verifyAudit(deps, req.requireActor(), p(req, 'roundId')) }),
  };
}
