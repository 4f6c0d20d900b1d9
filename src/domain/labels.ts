/**
 * The Chinese names of roles, statuses and task kinds, written once. The published site
 * (src/domain/site/labels.ts), the office dashboard page (src/api/pages), charts and exports, the
 * use cases' messages, the CLI and the browser console all read them here; the console, which has
 * no bundler, reads console/vendor/labels.js, generated from this file by `npm run vendor` and
 * checked against it by test/unit/console/vendor-labels.test.ts.
 *
 * Where two rooms once worded a status differently, the site's published wording won (公示中,
 * 已公布), then the wording the API already sends people (草稿, 異議裁定); the office is 辦公室.
 * This module imports nothing but types, so the generated copy needs nothing else.
 */
import type { CaseStatus, Role, RoundStatus, SubmissionStatus, TaskKind } from './model';

export const ROLE_ZH: Record<Role, string> = {
  applicant: '申報單位',
  reviewer: '評審',
  secretariat: '辦公室',
  approver: '審定領導',
};

export const ROUND_STATUS_ZH: Record<RoundStatus, string> = {
  DRAFT: '草稿',
  OPEN: '徵集中',
  CLOSED: '已截止收件',
  SHORTLISTED: '已排名，待審定',
  NOTICE: '公示中',
  APPROVED: '已公布',
};

export const CASE_STATUS_ZH: Record<CaseStatus, string> = {
  ELIGIBILITY_PENDING: '待資格審查',
  INELIGIBLE: '不符資格',
  REVISION_REQUESTED: '待修改',
  IN_REVIEW: '評審中',
  REVIEWED: '已評審',
  SHORTLISTED: '入圍',
  NOT_SELECTED: '未入選',
  SELECTED: '入選',
  APPROVED: '已審定',
  WITHDRAWN: '已撤回',
};

export const SUBMISSION_STATUS_ZH: Record<SubmissionStatus, string> = {
  UPLOADED: '已上傳，等待檢查',
  PARSED: '已解析，檢查中',
  INVALID: '未通過檢查',
  VALID: '通過檢查',
  STORED: '已收錄',
  SUPERSEDED: '已被新版本取代',
};

export const TASK_KIND_ZH: Record<TaskKind, string> = {
  ELIGIBILITY: '資格審查',
  PANEL: '評審評分',
  LEADERSHIP: '領導審定',
  OBJECTION_RULING: '異議裁定',
};

/** The Chinese name of a role given as any string (a token's group, a CSV cell); undefined when it is none of ours. */
export const roleZh = (role: string): string | undefined => (ROLE_ZH as Record<string, string | undefined>)[role];
