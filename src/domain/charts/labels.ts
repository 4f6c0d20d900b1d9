/** Chinese names of the status codes, for chart labels and tables. */
import type { CaseStatus, SubmissionStatus } from '../model';
import { CASE_STATUSES } from '../model';

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

/** The order cases move through: charts list statuses in it rather than by size. */
export const CASE_STATUS_ORDER: readonly CaseStatus[] = CASE_STATUSES;

export const SUBMISSION_STATUS_ZH: Record<SubmissionStatus, string> = {
  UPLOADED: '已上傳',
  PARSED: '已解析',
  INVALID: '未通過檢查',
  VALID: '通過檢查',
  STORED: '已收錄',
  SUPERSEDED: '已被新版本取代',
};
