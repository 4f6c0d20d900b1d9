/** What each audience may see of an entity. Task tokens never appear: views copy fields by name. */
import type { CaseRecord, Objection, Round, Submission, Task } from '../../domain/model';
import { redactNames, type CaseAccess } from './access';

export function roundPublic(r: Round) {
  const c = r.charter;
  return {
    roundId: r.roundId,
    number: c.number,
    year: c.year,
    theme: c.theme,
    script: c.script,
    status: r.status,
    eligibleLevels: c.eligibleLevels,
    submissionDeadline: c.submissionDeadline,
    reviewDeadline: c.reviewDeadline,
    blindReview: c.blindReview,
    rubric: c.rubric,
    ...(r.openedAt ? { openedAt: r.openedAt } : {}),
    ...(r.closedAt ? { closedAt: r.closedAt } : {}),
    ...(r.noticeEndsAt ? { noticeEndsAt: r.noticeEndsAt } : {}),
    ...(r.approvedAt ? { approvedAt: r.approvedAt } : {}),
  };
}

export function roundOffice(r: Round) {
  return {
    ...roundPublic(r),
    charter: r.charter,
    createdAt: r.createdAt,
    ...(r.charterSha256 ? { charterSha256: r.charterSha256 } : {}),
    ...(r.proceedRequested !== undefined ? { proceedRequested: r.proceedRequested } : {}),
    ...(r.finalizationExecutionArn ? { finalizationExecutionArn: r.finalizationExecutionArn } : {}),
    ...(r.shortlist ? { shortlist: r.shortlist } : {}),
    ...(r.approvedList ? { approvedList: r.approvedList } : {}),
  };
}

export function submissionView(s: Submission) {
  return {
    submissionId: s.submissionId,
    roundId: s.roundId,
    unitCode: s.unitCode,
    fileName: s.fileName,
    status: s.status,
    createdAt: s.createdAt,
    ...(s.versionId ? { versionId: s.versionId } : {}),
    ...(s.caseId ? { caseId: s.caseId } : {}),
    ...(s.errors ? { errors: s.errors } : {}),
    ...(s.warnings ? { warnings: s.warnings } : {}),
  };
}

export function taskView(t: Task) {
  return {
    taskId: t.taskId,
    kind: t.kind,
    roundId: t.roundId,
    ...(t.caseId ? { caseId: t.caseId } : {}),
    status: t.status,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    ...(t.dueAt ? { dueAt: t.dueAt } : {}),
    ...(t.decision !== undefined ? { decision: t.decision } : {}),
    ...(t.decidedBy ? { decidedBy: t.decidedBy } : {}),
    ...(t.decidedAt ? { decidedAt: t.decidedAt } : {}),
  };
}

export function objectionView(o: Objection, withContact: boolean) {
  return {
    objectionId: o.objectionId,
    roundId: o.roundId,
    caseId: o.caseId,
    text: o.text,
    ...(withContact && o.contact ? { contact: o.contact } : {}),
    filedAt: o.filedAt,
    status: o.status,
    ...(o.ruling ? { ruling: o.ruling } : {}),
    repeats: o.repeats ?? 0,
    ...(o.lastRepeatAt ? { lastRepeatAt: o.lastRepeatAt } : {}),
  };
}

/** Keys of a parsed dossier that carry personal contact data (office only). */
const CONTACT_KEY = /contact|phone|mobile|email|e-mail|tel|fax|address|聯絡|联系|聯繫|電話|电话|手機|手机|郵箱|邮箱|電郵|电邮|地址/i;

/** Splits a parsed dossier into what may be shown and the contact data; returns copies. */
export function splitContact(value: unknown): { content: unknown; contact: Record<string, unknown> } {
  const contact: Record<string, unknown> = {};
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (CONTACT_KEY.test(k)) contact[path ? `${path}.${k}` : k] = x;
        else out[k] = walk(x, path ? `${path}.${k}` : k);
      }
      return out;
    }
    return v;
  };
  return { content: walk(value, ''), contact };
}

function redactDeep(v: unknown, names: string[]): unknown {
  if (typeof v === 'string') return redactNames(v, names);
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, names));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, names)]));
  return v;
}

/**
 * Unit names as they may appear in text: the full name, without its body suffix
 * (人大常委會…), without the province/city prefix, and the bare place name.
 */
export function unitNameVariants(unitName: string): string[] {
  const variants = new Set<string>([unitName]);
  const body = /(人民代表大會常務委員會|人民代表大会常务委员会|人大常委會|人大常委会|人大工委|街道工委|人大主席團|人大主席团|人大)$/;
  const place = unitName.replace(body, '');
  variants.add(place);
  const local = place.replace(/^.*?(省|自治區|自治区)/, '').replace(/^.*?市(?=.)/, '');
  variants.add(local);
  variants.add(unitName.replace(place, local));
  const bare = local.replace(/(區|区|縣|县|市|鎮|镇|街道|鄉|乡)$/, '');
  if (bare.length >= 2) variants.add(bare);
  return [...variants].filter((v) => v.length >= 2);
}

export function caseView(
  c: CaseRecord,
  access: CaseAccess,
  opts: {
    blind: boolean;
    parsed?: Record<string, unknown>;
    reviews?: { reviewerId: string; status: string; total?: number; scoredAt?: string }[];
  },
) {
  const hideUnit = access === 'reviewer' && opts.blind;
  const base = {
    caseId: c.caseId,
    roundId: c.roundId,
    title: hideUnit ? redactNames(c.title, unitNameVariants(c.unitName)) : c.title,
    status: c.status,
    level: c.level,
    currentVersion: c.currentVersion,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(hideUnit ? {} : { unitCode: c.unitCode, unitName: c.unitName, city: c.city, currentSubmissionId: c.currentSubmissionId }),
    ...(c.score && (access === 'office' || access === 'approver') ? { score: c.score } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.corrections && access === 'office' ? { corrections: c.corrections } : {}),
  };
  let content: Record<string, unknown> | undefined;
  let contact: Record<string, unknown> | undefined;
  if (opts.parsed) {
    const split = splitContact(opts.parsed);
    content = (hideUnit ? redactDeep(split.content, unitNameVariants(c.unitName)) : split.content) as Record<string, unknown>;
    if (hideUnit && content) {
      for (const k of Object.keys(content)) if (/unit|單位|单位/i.test(k)) delete content[k];
    }
    if (access === 'office') contact = split.contact;
  }
  return {
    ...base,
    ...(content ? { content } : {}),
    ...(contact ? { contact } : {}),
    ...(access === 'office' && opts.reviews ? { reviews: opts.reviews } : {}),
  };
}
