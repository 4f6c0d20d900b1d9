/** The office dashboard: counts, overdue steps, outbox, audit check and charts for one round. */
import type { Actor, Review } from '../../domain/model';
import { requireRole } from './access';
import { listCities } from '../../domain/units';
import { barChart, CASE_STATUS_ORDER, CASE_STATUS_ZH, distributionChart, timelineChart, type TimelineEvent } from '../../domain/charts';
import type { ApiDeps } from './ports';
import { loadRound, type LoadRoundStore } from './rounds';
import { auditCheck } from './office';
import { taskView } from './views';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type DashboardApiStore = StorePort<{
  cases: 'listCasesByRound';
  submissions: 'listSubmissionsByRound';
  tasks: 'listTasksByRound';
  outbox: 'listPendingNotifications';
  audit: 'listAudit';
  reviews: 'listReviewsByCase';
  objections: 'listObjections' | 'objectionGuardTotals';
}> &
  LoadRoundStore;

const CITY_NAMES = new Map(listCities().map((city) => [city.code, city.hant]));

const countBy = <T>(items: T[], key: (t: T) => string) =>
  items.reduce<Record<string, number>>((acc, t) => {
    const k = key(t);
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

export type DashboardView = Awaited<ReturnType<typeof dashboard>>;

export async function dashboard(deps: ApiDeps<DashboardApiStore>, actor: Actor, roundId: string) {
  return (await dashboardWithRound(deps, actor, roundId)).view;
}

/** The view and the round it belongs to, for the page a browser without JavaScript reads (src/api/pages). */
export async function dashboardWithRound(deps: ApiDeps<DashboardApiStore>, actor: Actor, roundId: string) {
  requireRole(actor, 'secretariat');
  const round = await loadRound(deps, roundId);
  const now = deps.now();
  const [cases, submissions, tasks, outbox, audit, objections, guard] = await Promise.all([
    deps.store.cases.listCasesByRound(roundId),
    deps.store.submissions.listSubmissionsByRound(roundId),
    deps.store.tasks.listTasksByRound(roundId),
    deps.store.outbox.listPendingNotifications(),
    deps.store.audit.listAudit(roundId),
    deps.store.objections.listObjections(roundId),
    deps.store.objections.objectionGuardTotals(roundId),
  ]);
  const reviewsByCase = await Promise.all(cases.map((c) => deps.store.reviews.listReviewsByCase(c.caseId)));
  const reviews: Review[] = reviewsByCase.flat();
  const openTasks = tasks.filter((t) => t.status === 'OPEN');
  // Overdue from the charter's due time; tasks opened before it was recorded fall back to the ceiling.
  const overdue = openTasks.filter((t) => Date.parse(t.dueAt ?? t.expiresAt) <= now.getTime());
  const casesByStatus = countBy(cases, (c) => c.status);
  // cases carry the city's registry code; people read its name
  const casesByCity = countBy(cases, (c) => CITY_NAMES.get(c.city) ?? (c.city || '—'));
  const c = round.charter;
  const events: TimelineEvent[] = [
    { label: '建立', at: round.createdAt, kind: 'event' },
    ...(round.openedAt ? [{ label: '開放徵集', at: round.openedAt, kind: 'event' as const }] : []),
    { label: '申報截止', at: c.submissionDeadline, kind: 'deadline' },
    ...(round.closedAt ? [{ label: '截止收件', at: round.closedAt, kind: 'event' as const }] : []),
    { label: '評審截止', at: c.reviewDeadline, kind: 'deadline' },
    ...(round.noticeEndsAt ? [{ label: '公示結束', at: round.noticeEndsAt, kind: 'deadline' as const }] : []),
    ...(round.approvedAt ? [{ label: '審定', at: round.approvedAt, kind: 'event' as const }] : []),
  ];
  const outboxPending = outbox.filter((n) => n.roundId === roundId).length;
  const view = {
    roundId,
    status: round.status,
    casesByStatus,
    casesByCity,
    submissionsByStatus: countBy(submissions, (s) => s.status),
    overdueTasks: overdue.map(taskView),
    openTasks: openTasks.length,
    outboxPending,
    // filed objections, and what the public route folded (exact repeats) or refused
    objections: {
      filed: objections.length,
      open: objections.filter((o) => o.status === 'OPEN').length,
      repeatsSuppressed: guard.suppressed,
      refusedRate: guard.refusedRate,
      refusedContent: guard.refusedContent,
    },
    audit: auditCheck(roundId, audit),
    charts: [
      barChart('cases-by-city', { zh: '各市案例數', en: 'Cases by city' }, casesByCity, { categoryHeader: '城市', unit: '宗' }),
      barChart('cases-by-status', { zh: '各狀態案例數', en: 'Cases by status' }, casesByStatus, {
        categoryHeader: '狀態',
        unit: '宗',
        labels: CASE_STATUS_ZH,
        order: CASE_STATUS_ORDER,
      }),
      distributionChart({
        panel: c.panel.map((p) => ({ id: p.id, name: p.name })),
        reviews: reviews.flatMap((r) =>
          r.status === 'SCORED' && typeof r.total === 'number' ? [{ caseId: r.caseId, reviewerId: r.reviewerId, total: r.total }] : [],
        ),
        maxScore: maxTotal(c.rubric),
      }),
      // "now" is the chart's own marker: the chart never reads the clock itself
      timelineChart(events, now.toISOString()),
    ],
  };
  return { round, view };
}

/** The weighted total's top of scale: criteria are scored 0..maxScore and weighted. */
function maxTotal(rubric: { maxScore: number; criteria: { weight: number }[] }): number {
  const w = rubric.criteria.reduce((a, c) => a + c.weight, 0);
  // totals are weighted means when weights sum to 1, weighted sums otherwise
  return Math.abs(w - 1) < 1e-9 ? rubric.maxScore : rubric.maxScore * w;
}
