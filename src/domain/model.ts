/**
 * The entities of a selection round, shared by every layer.
 *
 * Plain types and zod schemas only: no AWS import, no I/O. The table layout that stores them is
 * described in docs/architecture.md; `src/store` maps these types to items.
 */
import * as z from 'zod';

/** Who acts. Cognito groups on AWS, claims of the local issuer locally. */
export const ROLES = ['applicant', 'reviewer', 'secretariat', 'approver'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller as every use case sees it (from JWT claims, never from a request body). */
export interface Actor {
  /** Stable subject id (`sub` claim). */
  id: string;
  /** Display name, for the audit trail. */
  name: string;
  roles: Role[];
  /** For applicants: the one unit (registry unit code) they may act for. */
  unitCode?: string;
}

/** The system itself, for audit entries written by the workflow. */
export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'casebook', roles: [] };

export const LEVELS = ['county', 'township'] as const;
export type Level = (typeof LEVELS)[number];

export const SCRIPTS = ['hant', 'hans'] as const;
export type Script = (typeof SCRIPTS)[number];

/** A bilingual message: every error and notification is readable in Chinese and English. */
export const bilingualSchema = z.object({ zh: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof bilingualSchema>;

/** One coded finding (error or warning) about an input; `at` locates it for the person who sent it. */
export const issueSchema = z.object({
  code: z.string(),
  field: z.string(),
  message: bilingualSchema,
  at: z
    .object({
      line: z.number().int().optional(),
      column: z.number().int().optional(),
      offset: z.number().int().optional(),
      excerpt: z.string().optional(),
    })
    .optional(),
});
export type Issue = z.infer<typeof issueSchema>;

// ---------------------------------------------------------------------------------------------
// Round charter

export const rubricCriterionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: bilingualSchema,
  weight: z.number().positive(),
  /** Score descriptors shown to reviewers, from the lowest band to the highest. */
  descriptors: z.array(z.object({ min: z.number(), max: z.number(), text: bilingualSchema })).min(1),
});
export type RubricCriterion = z.infer<typeof rubricCriterionSchema>;

export const rubricSchema = z.object({
  /** Each criterion is scored 0..maxScore. */
  maxScore: z.number().int().positive().default(10),
  criteria: z.array(rubricCriterionSchema).min(1),
});
export type Rubric = z.infer<typeof rubricSchema>;

export const reviewerSchema = z.object({
  /**
   * The reviewer's subject (the `sub` of their sign-in tokens). The office may write the e-mail
   * address of the reviewer's account instead: the API resolves it to the sub and keeps the
   * address in `account`.
   */
  id: z.string().min(1),
  name: z.string().min(1),
  /** The e-mail (username) of the reviewer's account, once resolved by the directory. */
  account: z.string().optional(),
  /** Registry codes (city or county) the reviewer belongs to: never assigned cases from there. */
  jurisdictions: z.array(z.string()).default([]),
  /** Unit codes or case ids the reviewer declared a conflict with. */
  declaredConflicts: z.array(z.string()).default([]),
});
export type Reviewer = z.infer<typeof reviewerSchema>;

export const quotasSchema = z.object({
  total: z.number().int().positive(),
  maxPerCity: z.number().int().positive().optional(),
  perLevel: z
    .object({
      county: z.object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).optional(),
      township: z.object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).optional(),
    })
    .default({}),
});
export type Quotas = z.infer<typeof quotasSchema>;

export const timeoutsSchema = z.object({
  eligibilitySeconds: z.number().int().positive().max(2_147_483),
  panelSeconds: z.number().int().positive().max(2_147_483),
  leadershipSeconds: z.number().int().positive().max(2_147_483),
  objectionRulingSeconds: z.number().int().positive().max(2_147_483),
});
export type Timeouts = z.infer<typeof timeoutsSchema>;

export const charterSchema = z.object({
  number: z.number().int().positive(),
  year: z.number().int().min(2000).max(2100),
  theme: z.string().min(2).max(200),
  /** The round's own script: the site is published in it and mirrored in the other. */
  script: z.enum(SCRIPTS).default('hant'),
  eligibleLevels: z.array(z.enum(LEVELS)).min(1),
  submissionDeadline: z.iso.datetime({ offset: true }),
  reviewDeadline: z.iso.datetime({ offset: true }),
  rubric: rubricSchema,
  panel: z.array(reviewerSchema).min(1),
  reviewersPerCase: z.number().int().positive().default(3),
  /** Minimum number of scores that completes a panel at the review deadline. */
  quorum: z.number().int().positive().default(2),
  blindReview: z.boolean().default(false),
  quotas: quotasSchema,
  noticePeriodDays: z.number().nonnegative(),
  /** Local runs and tests shorten the notice period; on AWS this stays unset. */
  noticePeriodSecondsOverride: z.number().int().nonnegative().optional(),
  timeouts: timeoutsSchema,
});
export type Charter = z.infer<typeof charterSchema>;

export const ROUND_STATUSES = ['DRAFT', 'OPEN', 'CLOSED', 'SHORTLISTED', 'NOTICE', 'APPROVED'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export interface Round {
  roundId: string;
  charter: Charter;
  /** SHA-256 of the canonical JSON of the charter, frozen when the round opens. */
  charterSha256?: string;
  status: RoundStatus;
  createdAt: string;
  openedAt?: string;
  closedAt?: string;
  /** Set by the office to proceed to ranking before every case is reviewed. */
  proceedRequested?: boolean;
  noticeEndsAt?: string;
  approvedAt?: string;
  finalizationExecutionArn?: string;
  /** The shortlist and, after the leadership meeting, the approved list (case ids in order). */
  shortlist?: ShortlistEntry[];
  approvedList?: ApprovedEntry[];
  /** Monotonic revision of publication-relevant data; the publisher keys off it. */
  publicationRevision?: number;
}

export interface ShortlistEntry {
  caseId: string;
  rank: number;
  score: number;
  /** Why this entry departs from pure score order, in words (absent when it does not). */
  explanation?: Bilingual;
}

export interface ApprovedEntry {
  caseId: string;
  /** 1-based order in the announcement. */
  order: number;
  /** 入選理由, published. */
  reason: string;
}

// ---------------------------------------------------------------------------------------------
// Submissions and cases

export const SUBMISSION_STATUSES = ['UPLOADED', 'PARSED', 'INVALID', 'VALID', 'STORED', 'SUPERSEDED'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface Submission {
  submissionId: string;
  roundId: string;
  unitCode: string;
  key: string;
  versionId?: string;
  fileName: string;
  status: SubmissionStatus;
  createdAt: string;
  errors?: Issue[];
  warnings?: Issue[];
  caseId?: string;
}

export const CASE_STATUSES = [
  'ELIGIBILITY_PENDING',
  'INELIGIBLE',
  'REVISION_REQUESTED',
  'IN_REVIEW',
  'REVIEWED',
  'SHORTLISTED',
  'NOT_SELECTED',
  'SELECTED',
  'APPROVED',
  'WITHDRAWN',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface ScoreSummary {
  rawMean: number;
  normalizedMean: number;
  spread: number;
  count: number;
  outliers: string[];
}

export interface CaseRecord {
  caseId: string;
  roundId: string;
  unitCode: string;
  unitName: string;
  city: string;
  level: Level;
  title: string;
  currentVersion: number;
  currentSubmissionId: string;
  status: CaseStatus;
  createdAt: string;
  updatedAt: string;
  score?: ScoreSummary;
  /** 入選理由 once the leadership meeting wrote it. */
  reason?: string;
  /** Office corrections after publication, newest last. */
  corrections?: { at: string; by: string; note: string }[];
}

// ---------------------------------------------------------------------------------------------
// Approval steps

export const TASK_KINDS = ['ELIGIBILITY', 'PANEL', 'LEADERSHIP', 'OBJECTION_RULING'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATUSES = ['OPEN', 'DECIDED', 'EXPIRED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Which role decides each kind of approval step. */
export const TASK_ROLE: Record<TaskKind, Role> = {
  ELIGIBILITY: 'secretariat',
  PANEL: 'reviewer',
  LEADERSHIP: 'approver',
  OBJECTION_RULING: 'approver',
};

export interface Task {
  taskId: string;
  kind: TaskKind;
  roundId: string;
  caseId?: string;
  status: TaskStatus;
  createdAt: string;
  /** The ceiling: past it the workflow's timeout fires and a decision answers 410. */
  expiresAt: string;
  /**
   * When the charter wants the step done (its timeout for this kind, never past the ceiling);
   * past it the office sees the step overdue and the hourly sweep reminds once. Absent on tasks
   * opened before the charter's timeouts acted.
   */
  dueAt?: string;
  /** The workflow execution that waits on this task. */
  executionArn: string;
  decision?: unknown;
  decidedBy?: string;
  decidedAt?: string;
}

export const eligibilityDecisionSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('eligible') }),
  z.object({ outcome: z.literal('ineligible'), reason: z.string().min(2).max(1000) }),
  z.object({ outcome: z.literal('revision'), message: z.string().min(2).max(2000) }),
]);
export type EligibilityDecision = z.infer<typeof eligibilityDecisionSchema>;

export const scoreSheetSchema = z.object({
  /** criterion id → score (0..rubric.maxScore) */
  scores: z.record(z.string(), z.number().min(0)),
  comment: z.string().max(2000).optional(),
});
export type ScoreSheet = z.infer<typeof scoreSheetSchema>;

export const leadershipDecisionSchema = z.object({
  outcome: z.enum(['approve', 'amend']),
  /** The final list in order, each with its published reason (入選理由). */
  list: z.array(z.object({ caseId: z.string(), reason: z.string().min(4).max(500) })).min(1),
  /** Required when amending: why each struck or added case changed. */
  amendments: z.array(z.object({ caseId: z.string(), change: z.enum(['strike', 'add']), reason: z.string().min(2).max(1000) })).default([]),
});
export type LeadershipDecision = z.infer<typeof leadershipDecisionSchema>;

export const objectionRulingSchema = z.object({
  rulings: z
    .array(z.object({ objectionId: z.string(), outcome: z.enum(['dismissed', 'upheld']), reason: z.string().min(2).max(1000) }))
    .min(1),
});
export type ObjectionRuling = z.infer<typeof objectionRulingSchema>;

export interface Review {
  caseId: string;
  roundId: string;
  reviewerId: string;
  status: 'ASSIGNED' | 'SCORED' | 'MISSING' | 'REPLACED';
  assignedAt: string;
  sheet?: ScoreSheet;
  /** Weighted total on the rubric's scale. */
  total?: number;
  scoredAt?: string;
}

export interface Objection {
  objectionId: string;
  roundId: string;
  caseId: string;
  text: string;
  /** Contact of the objector: personal data, office only. */
  contact?: string;
  filedAt: string;
  status: 'OPEN' | 'DISMISSED' | 'UPHELD';
  ruling?: string;
  /** Exact repeats of this text against this case posted after it: counted, not filed again. */
  repeats?: number;
  lastRepeatAt?: string;
}

/** What the public objection route refused or folded into earlier objections, per round. */
export interface ObjectionGuardTotals {
  /** Exact repeats counted on an earlier objection instead of being filed. */
  suppressed: number;
  /** Posts refused by the per-source limit (429). */
  refusedRate: number;
  /** Posts refused for their content or size (422). */
  refusedContent: number;
}

// ---------------------------------------------------------------------------------------------
// Audit and notifications

export interface AuditEntry {
  roundId: string;
  seq: number;
  at: string;
  actor: { id: string; name: string };
  action: string;
  subject: string;
  change: unknown;
  prevHash: string;
  hash: string;
}

export const NOTIFICATION_KINDS = [
  'VALIDATION_RESULT',
  'ELIGIBILITY',
  'REVISION_REQUESTED',
  'ASSIGNMENT',
  'REMINDER',
  'ESCALATION',
  'LIST_READY',
  'FINAL_RESULT',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  notificationId: string;
  roundId: string;
  kind: NotificationKind;
  /** A role, a reviewer id or a unit code; resolved to an address by the notifier. */
  recipient: string;
  subject: Bilingual;
  body: Bilingual;
  createdAt: string;
  status: 'PENDING' | 'RELEASED';
  releasedAt?: string;
}
