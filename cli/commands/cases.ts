import type { Command } from 'commander';
import { APPROVER, connect, OFFICE, output, reviewerIdentity, table, type Identity } from '../support/client';
import { CliError, EXIT } from '../support/errors';
import { roundIdArg } from '../support/round-id';

interface Bilingual {
  zh: string;
  en: string;
}

interface CaseView {
  caseId: string;
  roundId: string;
  title: string;
  status: string;
  level: string;
  unitCode?: string;
  unitName?: string;
  city?: string;
  currentVersion: number;
  score?: { rawMean: number; normalizedMean: number; spread: number; count: number; outliers: string[] };
  reason?: string;
}

interface CaseRecordView extends CaseView {
  versions: { version: number; submissionId: string; createdAt?: string; current: boolean }[];
  eligibility: {
    taskId: string;
    status: string;
    openedAt: string;
    decision?: { outcome?: string; reason?: string; message?: string };
    decidedAt?: string;
    decidedBy?: string;
  }[];
  assignments: {
    reviewerId?: string;
    reviewerName?: string;
    reviewer?: string;
    status: string;
    assignedAt: string;
    scores?: Record<string, number>;
    comment?: string;
    total?: number;
    scoredAt?: string;
  }[];
  aggregate?: { rawMean: number; normalizedMean: number; spread: number; count: number; outliers: string[] };
  history: { at: string; action: string; by: string; status?: string }[];
}

interface StaffEntry {
  caseId: string;
  title?: string;
  unitName?: string;
  city?: string;
  level?: string;
  status?: string;
}

export interface RoundStaffView {
  roundId: string;
  status: string;
  charterSha256?: string;
  shortlist: (StaffEntry & {
    rank: number;
    score: number;
    rawMean?: number;
    spread?: number;
    reviews?: number;
    explanation?: Bilingual;
    quotaNote: Bilingual;
  })[];
  passedOver?: (StaffEntry & { code: string; reason: Bilingual })[];
  feasible?: boolean;
  quotaIssues?: string[];
  approvedList?: (StaffEntry & { order: number; reason: string })[];
  notice: { days: number; startsAt?: string; endsAt?: string };
  objections: { total: number; open: number; upheld: number; dismissed: number };
}

interface ObjectionView {
  objectionId: string;
  caseId: string;
  text: string;
  contact?: string;
  filedAt: string;
  status: string;
  ruling?: string;
  /** Exact repeats counted on this objection instead of being filed. */
  repeats?: number;
}

/** What the public route folded (exact repeats) or refused in a round. */
interface ObjectionGuardTotals {
  suppressed: number;
  refusedRate: number;
  refusedContent: number;
}

const clip = (s: string | undefined, n: number) => (s === undefined ? '' : s.length > n ? `${s.slice(0, n)}…` : s);
const num = (n: number | undefined) => (n === undefined ? '' : String(Math.round(n * 100) / 100));

const STATUSES = [
  'ELIGIBILITY_PENDING',
  'INELIGIBLE',
  'REVISION_REQUESTED',
  'IN_REVIEW',
  'REVIEWED',
  'SHORTLISTED',
  'SELECTED',
  'APPROVED',
  'NOT_SELECTED',
  'WITHDRAWN',
];

function identityFrom(opts: { reviewer?: string; approver?: boolean }): Identity {
  if (opts.reviewer) return reviewerIdentity(opts.reviewer);
  if (opts.approver) return APPROVER;
  return OFFICE;
}

/** The round as its staff see it: `casebook shortlist` and `casebook approve` read it. */
export async function staffView(program: Command, roundId: string, approver = false): Promise<RoundStaffView> {
  const client = await connect(program, approver ? APPROVER : OFFICE);
  return client.get<RoundStaffView>(`/rounds/${encodeURIComponent(roundId)}/staff-view`);
}

function describeCase(c: CaseRecordView): string {
  const lines = [
    `${c.caseId}  ${c.status}  (${c.roundId}, version ${c.currentVersion})`,
    `  ${c.title}`,
    ...(c.unitName ? [`  ${c.unitName}${c.city ? `  ${c.city}` : ''}  ${c.level}`] : [`  ${c.level}`]),
    ...(c.reason ? [`  入選理由 reason: ${c.reason}`] : []),
    '',
    'versions',
    table(
      ['version', 'submission', 'at', ''],
      c.versions.map((v) => [v.version, v.submissionId, v.createdAt, v.current ? 'current' : '']),
    ),
  ];
  if (c.eligibility.length) {
    lines.push(
      '',
      'eligibility',
      table(
        ['task', 'status', 'outcome', 'note', 'decided', 'by'],
        c.eligibility.map((e) => [
          e.taskId,
          e.status,
          e.decision?.outcome,
          clip(e.decision?.reason ?? e.decision?.message, 30),
          e.decidedAt,
          e.decidedBy,
        ]),
      ),
    );
  }
  if (c.assignments.length) {
    const criteria = [...new Set(c.assignments.flatMap((a) => Object.keys(a.scores ?? {})))];
    lines.push(
      '',
      'panel',
      table(
        ['reviewer', 'status', ...criteria, 'total', 'scored', 'comment'],
        c.assignments.map((a) => [
          a.reviewerId ? `${a.reviewerId} ${a.reviewerName ?? ''}`.trim() : a.reviewer,
          a.status,
          ...criteria.map((k) => a.scores?.[k]),
          num(a.total),
          a.scoredAt,
          clip(a.comment, 24),
        ]),
      ),
    );
  }
  if (c.aggregate) {
    const a = c.aggregate;
    lines.push(
      '',
      `aggregate: normalised ${num(a.normalizedMean)}, raw mean ${num(a.rawMean)}, spread ${num(a.spread)}, ${a.count} score(s)${a.outliers.length ? `, outliers ${a.outliers.join(' ')}` : ''}`,
    );
  }
  if (c.history.length)
    lines.push(
      '',
      'history',
      table(
        ['at', 'action', 'status', 'by'],
        c.history.map((h) => [h.at, h.action, h.status, h.by]),
      ),
    );
  return lines.join('\n');
}

function describeShortlist(r: RoundStaffView): string {
  if (r.shortlist.length === 0) {
    return `${r.roundId} (${r.status}) has no shortlist yet: it is ranked once the round is closed and every case reviewed (\`casebook round close ${r.roundId}\`, \`casebook round finalize ${r.roundId}\`)`;
  }
  const lines = [
    `${r.roundId}  ${r.status}  shortlist of ${r.shortlist.length}${r.feasible === false ? `  (quotas could not all be met: ${r.quotaIssues?.join(', ') ?? ''})` : ''}`,
    table(
      ['#', 'case', 'unit', 'score', 'raw', 'spread', 'why here'],
      r.shortlist.map((e) => [
        e.rank,
        e.caseId,
        clip(e.unitName, 14),
        num(e.score),
        num(e.rawMean),
        num(e.spread),
        [e.explanation?.zh, e.quotaNote.zh].filter(Boolean).join('　'),
      ]),
    ),
  ];
  if (r.passedOver?.length) {
    lines.push(
      '',
      'passed over',
      table(
        ['case', 'unit', 'code', 'why'],
        r.passedOver.map((p) => [p.caseId, clip(p.unitName, 14), p.code, p.reason.zh]),
      ),
    );
  }
  if (r.approvedList?.length) {
    lines.push(
      '',
      'approved list',
      table(
        ['#', 'case', 'unit', '入選理由'],
        r.approvedList.map((e) => [e.order, e.caseId, clip(e.unitName, 14), clip(e.reason, 30)]),
      ),
    );
  }
  const n = r.notice;
  lines.push(
    '',
    `notice: ${n.days} day(s)${n.startsAt ? ` from ${n.startsAt}` : ''}${n.endsAt ? ` until ${n.endsAt}` : ''}; objections: ${r.objections.total} (${r.objections.open} open)`,
  );
  return lines.join('\n');
}

/** `casebook cases`, `case`, `shortlist`, `objections`, `rule`: what the office and the approver decide from. */
export function register(program: Command): void {
  program
    .command('cases')
    .description('the cases of a round (default: as the office; --reviewer/--approver: as they see them)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--status <status>', `only cases in this status (${STATUSES.join(', ')})`)
    .option('--reviewer <id>', 'as this panel reviewer')
    .option('--approver', 'as the approver (leadership meeting)')
    .action(async (roundId: string, opts: { status?: string; reviewer?: string; approver?: boolean }) => {
      const status = opts.status?.toUpperCase();
      if (status && !STATUSES.includes(status))
        throw new CliError(`--status ${opts.status}: not a case status`, EXIT.usage, `one of ${STATUSES.join(', ')}`);
      const client = await connect(program, identityFrom(opts));
      const { cases } = await client.get<{ cases: CaseView[] }>(`/rounds/${encodeURIComponent(roundId)}/cases`);
      const shown = cases.filter((c) => !status || c.status === status).sort((a, b) => a.caseId.localeCompare(b.caseId));
      output(program, { roundId, cases: shown }, () =>
        shown.length === 0
          ? `no cases${status ? ` in ${status}` : ''} in ${roundId}`
          : table(
              ['case', 'status', 'level', 'unit', 'title', 'score'],
              shown.map((c) => [c.caseId, c.status, c.level, clip(c.unitName, 16), clip(c.title, 26), num(c.score?.normalizedMean)]),
            ),
      );
    });

  program
    .command('case')
    .description(
      'one case: versions, eligibility, panel assignments and scores, aggregate, status history (office; --approver: reviewers unnamed)',
    )
    .argument('<caseId>')
    .option('--approver', 'as the approver (leadership meeting)')
    .action(async (caseId: string, opts: { approver?: boolean }) => {
      const client = await connect(program, opts.approver ? APPROVER : OFFICE);
      const c = await client.get<CaseRecordView>(`/cases/${encodeURIComponent(caseId)}/record`);
      output(program, c, () => describeCase(c));
    });

  program
    .command('shortlist')
    .description(
      'the ranked shortlist of a round: rank, scores, why each case is there (explanation, quota places), passed-over cases, approved list',
    )
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--approver', 'as the approver (leadership meeting)')
    .action(async (roundId: string, opts: { approver?: boolean }) => {
      const r = await staffView(program, roundId, opts.approver);
      output(program, r, () => describeShortlist(r));
    });

  program
    .command('objections')
    .description('objections filed against a round’s list, with their ids and rulings (office; --approver: without contacts)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--approver', 'as the approver (leadership meeting)')
    .action(async (roundId: string, opts: { approver?: boolean }) => {
      const client = await connect(program, opts.approver ? APPROVER : OFFICE);
      const { objections, guard } = await client.get<{ objections: ObjectionView[]; guard?: ObjectionGuardTotals }>(
        `/rounds/${encodeURIComponent(roundId)}/objections`,
      );
      // what the public route folded or refused: the office weighs a flood by these, not by rows
      const refused = guard
        ? [
            `exact repeats counted, not filed: ${guard.suppressed}; refused (same source too often): ${guard.refusedRate}; refused (content or size): ${guard.refusedContent}`,
          ]
        : [];
      output(program, { roundId, objections, ...(guard ? { guard } : {}) }, () =>
        [
          ...(objections.length === 0
            ? [`no objections filed in ${roundId}`]
            : [
                table(
                  ['objection', 'case', 'status', 'filed', 'repeats', 'text', 'ruling'],
                  objections.map((o) => [
                    o.objectionId,
                    o.caseId,
                    o.status,
                    o.filedAt,
                    String(o.repeats ?? 0),
                    clip(o.text, 30),
                    clip(o.ruling, 20),
                  ]),
                ),
                ...(objections.some((o) => o.status === 'OPEN')
                  ? ['', `rule on them with: casebook rule ${roundId} --dismiss ID=REASON --uphold ID=REASON`]
                  : []),
              ]),
          ...refused,
        ].join('\n'),
      );
    });

  const ruling = (outcome: 'dismissed' | 'upheld') => (v: string, prev: { objectionId: string; outcome: string; reason: string }[]) => {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1)
      throw new CliError(`--${outcome === 'dismissed' ? 'dismiss' : 'uphold'} ${v}: expected OBJECTION_ID=REASON`, EXIT.usage);
    return [...prev, { objectionId: v.slice(0, eq), outcome, reason: v.slice(eq + 1) }];
  };
  program
    .command('rule')
    .description('as the approver: rule on every open objection of a round at once (an upheld objection strikes its case from the list)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--dismiss <id=reason>', 'dismiss an objection, with the reason (repeatable)', ruling('dismissed'), [])
    .option('--uphold <id=reason>', 'uphold an objection, with the reason (repeatable)', ruling('upheld'), [])
    .action(
      async (
        roundId: string,
        opts: {
          dismiss: { objectionId: string; outcome: string; reason: string }[];
          uphold: { objectionId: string; outcome: string; reason: string }[];
        },
      ) => {
        const rulings = [...opts.dismiss, ...opts.uphold];
        if (rulings.length === 0)
          throw new CliError(
            'no rulings given',
            EXIT.usage,
            `pass --dismiss ID=REASON or --uphold ID=REASON for each open objection (\`casebook objections ${roundId}\` lists them)`,
          );
        const client = await connect(program, APPROVER);
        const { tasks } = await client.get<{ tasks: { taskId: string; kind: string; roundId: string }[] }>('/tasks');
        const task = tasks.find((t) => t.kind === 'OBJECTION_RULING' && t.roundId === roundId);
        if (!task) {
          throw new CliError(
            `no open objection ruling for ${roundId}`,
            EXIT.invalid,
            `the ruling opens when the notice period ends with objections filed: \`casebook shortlist ${roundId}\` shows the notice window`,
          );
        }
        const result = await client.post(`/tasks/${encodeURIComponent(task.taskId)}/decision`, { rulings });
        output(program, result, () => `ruled on ${rulings.length} objection(s) of ${roundId}`);
      },
    );
}
