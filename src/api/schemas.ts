/**
 * Request and response schemas of every route. They validate input at the edge and are the
 * source of the OpenAPI document (`z.toJSONSchema`), so the document cannot drift from the code.
 */
import * as z from 'zod';
import {
  CASE_STATUSES,
  LEVELS,
  ROUND_STATUSES,
  SCRIPTS,
  SUBMISSION_STATUSES,
  TASK_KINDS,
  TASK_STATUSES,
  NOTIFICATION_KINDS,
  bilingualSchema,
  charterSchema,
  eligibilityDecisionSchema,
  issueSchema,
  leadershipDecisionSchema,
  objectionRulingSchema,
  rubricSchema,
  scoreSheetSchema,
} from '../domain/model';

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: bilingualSchema, issues: z.array(issueSchema).optional() }) })
  .meta({ id: 'Error' });

// ---------------------------------------------------------------------------------------------
// Rounds

export const roundIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);

export const createRoundSchema = z
  .object({
    /** Default: `<year>-r<number>`; stable ids make a re-run of a script idempotent. */
    roundId: roundIdSchema.optional(),
    charter: charterSchema,
  })
  .strict()
  .meta({ id: 'CreateRound' });

export const amendRoundSchema = z
  .object({
    /** Charter fields to change (a partial charter); replaced whole per top-level field. */
    changes: charterSchema.partial(),
    reason: z.string().min(2).max(1000),
  })
  .strict()
  .meta({ id: 'AmendRound' });

export const proceedSchema = z
  .object({ reason: z.string().min(2).max(1000) })
  .strict()
  .meta({ id: 'Proceed' });

export const roundPublicSchema = z
  .object({
    roundId: z.string(),
    number: z.number().int(),
    year: z.number().int(),
    theme: z.string(),
    script: z.enum(SCRIPTS),
    status: z.enum(ROUND_STATUSES),
    eligibleLevels: z.array(z.enum(LEVELS)),
    submissionDeadline: z.string(),
    reviewDeadline: z.string(),
    blindReview: z.boolean(),
    rubric: rubricSchema,
    openedAt: z.string().optional(),
    closedAt: z.string().optional(),
    noticeEndsAt: z.string().optional(),
    approvedAt: z.string().optional(),
  })
  .meta({ id: 'RoundPublic' });

export const roundOfficeSchema = roundPublicSchema
  .extend({
    charter: charterSchema,
    charterSha256: z.string().optional(),
    createdAt: z.string(),
    proceedRequested: z.boolean().optional(),
    finalizationExecutionArn: z.string().optional(),
    shortlist: z
      .array(z.object({ caseId: z.string(), rank: z.number(), score: z.number(), explanation: bilingualSchema.optional() }))
      .optional(),
    approvedList: z.array(z.object({ caseId: z.string(), order: z.number(), reason: z.string() })).optional(),
  })
  .meta({ id: 'RoundOffice' });

export const roundListSchema = z.object({ rounds: z.array(roundPublicSchema) }).meta({ id: 'RoundList' });

const caseLabelShape = {
  title: z.string().optional(),
  unitName: z.string().optional(),
  city: z.string().optional(),
  level: z.enum(LEVELS).optional(),
  status: z.enum(CASE_STATUSES).optional(),
};

/** What the office and the leadership meeting decide from (GET /rounds/{roundId}/staff-view). */
export const roundStaffSchema = roundOfficeSchema
  .extend({
    shortlist: z.array(
      z.object({
        caseId: z.string(),
        rank: z.number(),
        score: z.number(),
        /** Why the entry departs from pure score order (absent when it does not). */
        explanation: bilingualSchema.optional(),
        /** Which places of the quotas it takes. */
        quotaNote: bilingualSchema,
        rawMean: z.number().optional(),
        spread: z.number().optional(),
        reviews: z.number().optional(),
        ...caseLabelShape,
      }),
    ),
    passedOver: z.array(z.object({ caseId: z.string(), code: z.string(), reason: bilingualSchema, ...caseLabelShape })).optional(),
    feasible: z.boolean().optional(),
    quotaIssues: z.array(z.string()).optional(),
    approvedList: z.array(z.object({ caseId: z.string(), order: z.number(), reason: z.string(), ...caseLabelShape })).optional(),
    notice: z.object({ days: z.number(), startsAt: z.string().optional(), endsAt: z.string().optional() }),
    objections: z.object({ total: z.number().int(), open: z.number().int(), upheld: z.number().int(), dismissed: z.number().int() }),
  })
  .meta({ id: 'RoundStaff' });

// ---------------------------------------------------------------------------------------------
// Submissions

/** What an upload may be: the dossier formats the intake parses. */
export const UPLOAD_CONTENT_TYPES = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/zip',
  'text/markdown',
  'text/plain',
  'application/json',
] as const;
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export const startSubmissionSchema = z
  .object({
    fileName: z
      .string()
      .min(1)
      .max(200)
      .refine(
        (n) => !/[\\/\u0000-\u001f]/.test(n) && n !== '.' && n !== '..',
        'file name must not contain path separators or control characters',
      ),
    contentType: z.enum(UPLOAD_CONTENT_TYPES),
    size: z.number().int().positive().max(MAX_UPLOAD_BYTES),
  })
  .strict()
  .meta({ id: 'StartSubmission' });

export const uploadTicketSchema = z
  .object({
    submissionId: z.string(),
    key: z.string(),
    upload: z.object({
      method: z.literal('PUT'),
      url: z.string(),
      /** Send exactly these headers: they are part of the signature. */
      headers: z.record(z.string(), z.string()),
      expiresAt: z.string(),
    }),
  })
  .meta({ id: 'UploadTicket' });

export const submissionViewSchema = z
  .object({
    submissionId: z.string(),
    roundId: z.string(),
    unitCode: z.string(),
    fileName: z.string(),
    status: z.enum(SUBMISSION_STATUSES),
    createdAt: z.string(),
    versionId: z.string().optional(),
    caseId: z.string().optional(),
    errors: z.array(issueSchema).optional(),
    warnings: z.array(issueSchema).optional(),
  })
  .meta({ id: 'Submission' });

export const submissionListSchema = z.object({ submissions: z.array(submissionViewSchema) }).meta({ id: 'SubmissionList' });

// ---------------------------------------------------------------------------------------------
// Cases

export const scoreSummarySchema = z.object({
  rawMean: z.number(),
  normalizedMean: z.number(),
  spread: z.number(),
  count: z.number(),
  outliers: z.array(z.string()),
});

export const caseViewSchema = z
  .object({
    caseId: z.string(),
    roundId: z.string(),
    title: z.string(),
    status: z.enum(CASE_STATUSES),
    level: z.enum(LEVELS),
    currentVersion: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Hidden from reviewers of a blind round. */
    unitCode: z.string().optional(),
    unitName: z.string().optional(),
    city: z.string().optional(),
    currentSubmissionId: z.string().optional(),
    score: scoreSummarySchema.optional(),
    reason: z.string().optional(),
    /** The parsed dossier's text fields, with unit names redacted for blind review. */
    content: z.record(z.string(), z.unknown()).optional(),
    /** Office only. */
    reviews: z
      .array(z.object({ reviewerId: z.string(), status: z.string(), total: z.number().optional(), scoredAt: z.string().optional() }))
      .optional(),
    /** Office only: contact data of the applicant. */
    contact: z.record(z.string(), z.unknown()).optional(),
    corrections: z.array(z.object({ at: z.string(), by: z.string(), note: z.string() })).optional(),
  })
  .meta({ id: 'Case' });

export const caseListSchema = z.object({ cases: z.array(caseViewSchema) }).meta({ id: 'CaseList' });

/** A case's whole record for its staff (GET /cases/{caseId}/record). */
export const caseRecordSchema = caseViewSchema
  .extend({
    versions: z.array(
      z.object({ version: z.number().int(), submissionId: z.string(), createdAt: z.string().optional(), current: z.boolean() }),
    ),
    eligibility: z.array(
      z.object({
        taskId: z.string(),
        status: z.enum(TASK_STATUSES),
        openedAt: z.string(),
        decision: z.unknown().optional(),
        decidedAt: z.string().optional(),
        /** Office only. */
        decidedBy: z.string().optional(),
      }),
    ),
    /** The office sees each reviewer; the approver a stable label per reviewer (評審 1, 2, …). */
    assignments: z.array(
      z.object({
        reviewerId: z.string().optional(),
        reviewerName: z.string().optional(),
        reviewer: z.string().optional(),
        status: z.string(),
        assignedAt: z.string(),
        scores: z.record(z.string(), z.number()).optional(),
        comment: z.string().optional(),
        total: z.number().optional(),
        scoredAt: z.string().optional(),
      }),
    ),
    aggregate: scoreSummarySchema.optional(),
    history: z.array(z.object({ at: z.string(), action: z.string(), by: z.string(), status: z.enum(CASE_STATUSES).optional() })),
  })
  .meta({ id: 'CaseRecord' });

export const correctionSchema = z
  .object({ note: z.string().min(2).max(2000) })
  .strict()
  .meta({ id: 'Correction' });
export const withdrawSchema = z
  .object({ reason: z.string().min(2).max(1000) })
  .strict()
  .meta({ id: 'Withdraw' });
export const replaceReviewerSchema = z
  .object({ newReviewerId: z.string().min(1), reason: z.string().min(2).max(1000) })
  .strict()
  .meta({ id: 'ReplaceReviewer' });

// ---------------------------------------------------------------------------------------------
// Tasks and decisions

export const taskViewSchema = z
  .object({
    taskId: z.string(),
    kind: z.enum(TASK_KINDS),
    roundId: z.string(),
    caseId: z.string().optional(),
    status: z.enum(TASK_STATUSES),
    createdAt: z.string(),
    /** The ceiling: past it a decision answers 410. */
    expiresAt: z.string(),
    /** The charter's due time for this step (before the ceiling); past it the step is overdue. */
    dueAt: z.string().optional(),
    decision: z.unknown().optional(),
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
  })
  .meta({ id: 'Task' });

export const taskListSchema = z.object({ tasks: z.array(taskViewSchema) }).meta({ id: 'TaskList' });

/** The body of a decision depends on the task's kind; the use case checks it against the kind. */
export const decisionBodySchema = z
  .union([eligibilityDecisionSchema, scoreSheetSchema, leadershipDecisionSchema, objectionRulingSchema])
  .meta({ id: 'Decision' });

export const decisionResultSchema = z
  .object({
    taskId: z.string(),
    /** DECIDED once the workflow was resumed; a panel step stays OPEN until every reviewer scored. */
    status: z.enum(TASK_STATUSES),
    outcome: z.enum(['sent', 'recorded']),
    /** Panel steps: how many reviewers still have to score. */
    remaining: z.number().int().optional(),
    decidedAt: z.string(),
    decidedBy: z.string(),
  })
  .meta({ id: 'DecisionResult' });

// ---------------------------------------------------------------------------------------------
// Objections, outbox, audit

export const fileObjectionSchema = z
  .object({
    caseId: z.string().min(1),
    text: z.string().min(10).max(5000),
    /** Kept for the office only. */
    contact: z.string().max(200).optional(),
  })
  .strict()
  .meta({ id: 'FileObjection' });

/**
 * The public notice page's form: the same fields, plus the page's script and where to send the
 * browser afterwards. Unknown fields are dropped rather than refused: a browser posts them all.
 */
export const fileObjectionFormSchema = fileObjectionSchema
  .extend({
    script: z.enum(SCRIPTS).optional(),
    returnTo: z.string().max(2000).optional(),
  })
  .strip()
  .meta({ id: 'FileObjectionForm' });

export const objectionFiledSchema = z
  .object({
    objectionId: z.string(),
    filedAt: z.string(),
    /** True (answered 200) when the same text against the same case was filed before: counted on it, not filed again. */
    repeat: z.boolean(),
  })
  .meta({ id: 'ObjectionFiled' });

export const objectionViewSchema = z
  .object({
    objectionId: z.string(),
    roundId: z.string(),
    caseId: z.string(),
    text: z.string(),
    contact: z.string().optional(),
    filedAt: z.string(),
    status: z.enum(['OPEN', 'DISMISSED', 'UPHELD']),
    ruling: z.string().optional(),
    /** Exact repeats counted on this objection instead of being filed. */
    repeats: z.number().int().min(0),
    lastRepeatAt: z.string().optional(),
  })
  .meta({ id: 'Objection' });

export const objectionListSchema = z
  .object({
    objections: z.array(objectionViewSchema),
    /** What the public route folded or refused in this round (src/domain/objections/guard.ts). */
    guard: z.object({ suppressed: z.number().int(), refusedRate: z.number().int(), refusedContent: z.number().int() }),
  })
  .meta({ id: 'ObjectionList' });

export const notificationSchema = z
  .object({
    notificationId: z.string(),
    roundId: z.string(),
    kind: z.enum(NOTIFICATION_KINDS),
    recipient: z.string(),
    subject: bilingualSchema,
    body: bilingualSchema,
    createdAt: z.string(),
    status: z.enum(['PENDING', 'RELEASED']),
    releasedAt: z.string().optional(),
  })
  .meta({ id: 'Notification' });

export const outboxSchema = z.object({ notifications: z.array(notificationSchema) }).meta({ id: 'Outbox' });

export const auditVerifySchema = z
  .object({
    roundId: z.string(),
    ok: z.boolean(),
    length: z.number().int(),
    head: z.string().optional(),
    firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
  })
  .meta({ id: 'AuditVerification' });

export const dashboardSchema = z
  .object({
    roundId: z.string(),
    status: z.enum(ROUND_STATUSES),
    casesByStatus: z.record(z.string(), z.number()),
    casesByCity: z.record(z.string(), z.number()),
    submissionsByStatus: z.record(z.string(), z.number()),
    overdueTasks: z.array(taskViewSchema),
    openTasks: z.number().int(),
    outboxPending: z.number().int(),
    audit: auditVerifySchema,
    /** Server-rendered SVG charts, each with a text alternative and its data as a table (readable without JavaScript). */
    charts: z.array(
      z.object({
        id: z.string(),
        title: bilingualSchema,
        svg: z.string(),
        text: z.string(),
        table: z.object({ caption: z.string(), columns: z.array(z.string()), rows: z.array(z.array(z.string())) }).optional(),
      }),
    ),
  })
  .meta({ id: 'Dashboard' });

export const okSchema = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });

// ---------------------------------------------------------------------------------------------
// Exports of an approved round (the JSON form; ?format=docx|xlsx answers with the file)

export const roundExportSchema = z
  .object({
    format: z.literal('casebook-round-export/1'),
    round: z.object({
      roundId: z.string(),
      number: z.number().int(),
      year: z.number().int(),
      theme: z.string(),
      script: z.enum(SCRIPTS),
      approvedAt: z.string().optional(),
      blindReview: z.boolean(),
      title: z.string(),
      lead: z.string(),
      annexTitle: z.string(),
    }),
    cases: z.array(
      z.object({
        order: z.number().int(),
        caseId: z.string(),
        title: z.string(),
        unit: z.string(),
        city: z.string(),
        level: z.enum(LEVELS).optional(),
        practices: z.string(),
        outcomes: z.string(),
        reason: z.string(),
      }),
    ),
    criteria: z.array(z.object({ id: z.string(), name: z.string(), weight: z.number() })),
    maxScore: z.number(),
    scores: z.array(
      z.object({
        caseId: z.string(),
        order: z.number().int().optional(),
        title: z.string(),
        unit: z.string(),
        city: z.string(),
        level: z.enum(LEVELS),
        status: z.string(),
        rawMean: z.number(),
        normalizedMean: z.number(),
        spread: z.number(),
        reviewerCount: z.number().int(),
        rank: z.number().int().optional(),
        quotaNote: z.string().optional(),
        explanation: z.string().optional(),
      }),
    ),
    reviews: z.array(
      z.object({
        caseId: z.string(),
        unit: z.string(),
        /** A name with the id in an open round; 評審 N in a blind one. */
        reviewer: z.string(),
        total: z.number(),
        scores: z.record(z.string(), z.number()),
        scoredAt: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'RoundExport' });
// Accounts (the user directory: Cognito on AWS, the local directory on the local cloud)

export const directoryUserSchema = z
  .object({
    username: z.string(),
    sub: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['applicant', 'reviewer', 'secretariat', 'approver']),
    unitCode: z.string().optional(),
    jurisdictions: z.array(z.string()).optional(),
    enabled: z.boolean(),
    status: z.enum(['FORCE_CHANGE_PASSWORD', 'CONFIRMED']),
  })
  .meta({ id: 'DirectoryUser' });

export const userListSchema = z.object({ users: z.array(directoryUserSchema) }).meta({ id: 'UserList' });

/** An accounts file, base64 in JSON (a console upload or `casebook users import`). ~7.5 MB decoded at most. */
export const importUsersSchema = z
  .object({
    fileName: z.string().min(1).max(255),
    content: z
      .string()
      .max(10_000_000)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'content must be base64' }),
    dryRun: z.boolean().default(false),
    /** First row of the window to apply (the report's `next` of the previous call). */
    from: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(200).default(100),
  })
  .strict()
  .meta({ id: 'ImportUsers' });

export const importReportSchema = z
  .object({
    dryRun: z.boolean(),
    rows: z.number().int(),
    from: z.number().int(),
    next: z.number().int().optional(),
    lines: z.array(
      z.object({
        line: z.number().int(),
        email: z.string().optional(),
        outcome: z.enum(['created', 'updated', 'unchanged', 'refused', 'failed']),
        changes: z.array(z.string()).optional(),
        issues: z.array(issueSchema).optional(),
        temporaryPassword: z.string().optional(),
        disabled: z.literal(true).optional(),
      }),
    ),
    fileIssues: z.array(issueSchema),
    summary: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), refused: z.number(), failed: z.number() }),
  })
  .meta({ id: 'ImportReport' });

export const resendInviteResultSchema = z
  .object({ user: directoryUserSchema, temporaryPassword: z.string().optional() })
  .meta({ id: 'ResendInviteResult' });
