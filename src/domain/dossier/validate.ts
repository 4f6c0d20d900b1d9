/**
 * The rules a parsed dossier must pass, with the round's context when it is known.
 *
 * Pure and synchronous: the Validate Lambda runs it on the ParseResult read back from S3, the
 * CLI runs it right after parsing. Every finding is a coded Issue; nothing throws.
 */
import type { Issue, Level } from '../model';
import { findControlChars, findMarkup, findMojibake, type TextDefect } from '../text/defects';
import { comparisonKey, detectScript } from '../text/script';
import { resolveUnit, type UnitRejection } from '../units/registry';
import { issue, type IntakeCode } from './codes';
import { extractFigures, extractMeasures } from './extract';
import { findPersonalData } from './personal';
import {
  canonicalDossierSchema,
  resolveLimits,
  type CanonicalDossier,
  type DossierDraft,
  type IntakeLimits,
  type ParseResult,
} from './schema';

export interface ValidationContext {
  round?: { number: number; eligibleLevels: Level[]; closed: boolean };
  /** The unit the upload was made for (from the uploader's identity / the object key). */
  expectedUnitCode?: string;
  /** Other dossiers of this and earlier rounds, for the near-duplicate warning. */
  others?: { caseId: string; roundNumber: number; title: string; practicesText: string }[];
  limits?: Partial<IntakeLimits>;
}

export interface IntakeReport {
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
  dossier: CanonicalDossier | null;
}

/** Similarity (0–1) from which another dossier is reported as a near duplicate. */
export const NEAR_DUPLICATE_THRESHOLD = 0.6;
/** One badly damaged field should not bury the report: at most this many findings per field and code. */
const MAX_FINDINGS_PER_FIELD = 20;

/** Length as people count it: characters (code points), whitespace not counted. */
export function textLength(s: string): number {
  return [...s.replace(/\s+/gu, '')].length;
}

function bigrams(s: string): Set<string> {
  const chars = [...comparisonKey(s)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

const DEFECT_CODES: Record<TextDefect['kind'], IntakeCode> = {
  mojibake: 'TEXT_MOJIBAKE',
  markup: 'TEXT_MARKUP',
  control: 'TEXT_CONTROL_CHAR',
  bidi: 'TEXT_BIDI_CONTROL',
  'zero-width': 'TEXT_ZERO_WIDTH',
};

function checkText(
  field: string,
  text: string,
  opts: { singleLine: boolean; lineMap?: number[] | undefined },
  errors: Issue[],
  warnings: Issue[],
): void {
  const defects = [...findMojibake(text), ...findMarkup(text, { inlineMarkdown: opts.singleLine }), ...findControlChars(text)];
  const counts = new Map<string, number>();
  for (const d of defects.sort((a, b) => a.offset - b.offset)) {
    const code = DEFECT_CODES[d.kind];
    const n = (counts.get(code) ?? 0) + 1;
    counts.set(code, n);
    if (n > MAX_FINDINGS_PER_FIELD) continue;
    const line = opts.lineMap?.[d.line - 1] ?? d.line;
    const at = { line, column: d.column, offset: d.offset, excerpt: d.excerpt };
    const found = issue(code, field, { line, column: d.column, excerpt: d.excerpt, detail: d.detail }, at);
    // Invisible characters inside long text are a nuisance; inside names they change identity.
    if (d.kind === 'zero-width' && !opts.singleLine) warnings.push(found);
    else errors.push(found);
  }
}

function suggestionParams(suggestions: string[]): { suggestions: string; suggestionsEn: string } {
  if (!suggestions.length) return { suggestions: '', suggestionsEn: '' };
  return { suggestions: `您是否指:${suggestions.join('、')}?`, suggestionsEn: `Did you mean: ${suggestions.join(', ')}?` };
}

const PHONE = /^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}(?:\d{1,6})?)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;

/** Runs every rule on a parse result. Parse errors are carried over so one report says it all. */
export function validateDossier(parse: ParseResult, ctx: ValidationContext = {}): IntakeReport {
  const errors: Issue[] = [...parse.errors];
  const warnings: Issue[] = [...parse.warnings];
  const draft: DossierDraft | null = parse.draft;
  if (!draft) return { valid: false, errors, warnings, dossier: null };
  const limits = resolveLimits(ctx.limits);
  const line = (field: string) => draft.lines[field];

  // Title
  const title = draft.title?.trim() ?? '';
  if (!title) errors.push(issue('TITLE_REQUIRED', 'title'));
  else {
    const length = textLength(title);
    if (length < limits.titleMin || length > limits.titleMax) {
      errors.push(issue('TITLE_LENGTH', 'title', { min: limits.titleMin, max: limits.titleMax, length }));
    }
    checkText('title', title, { singleLine: true, lineMap: line('title') }, errors, warnings);
  }

  // Unit
  const unitText = draft.unitAsWritten?.trim() ?? '';
  let unit: CanonicalDossier['unit'] | null = null;
  if (!unitText) errors.push(issue('UNIT_REQUIRED', 'unit'));
  else {
    checkText('unit', unitText, { singleLine: true, lineMap: line('unit') }, errors, warnings);
    const resolved = resolveUnit(unitText);
    if (resolved.ok) unit = resolved.unit;
    else {
      const code: UnitRejection = resolved.reason;
      errors.push(issue(code, 'unit', { unit: unitText, ...suggestionParams(resolved.suggestions) }));
    }
  }

  // Practices and outcomes
  const practices = draft.practicesText?.trim() ?? '';
  if (!practices) errors.push(issue('PRACTICES_REQUIRED', 'practices'));
  else {
    const length = textLength(practices);
    if (length < limits.practicesMin) errors.push(issue('PRACTICES_TOO_SHORT', 'practices', { min: limits.practicesMin, length }));
    if (length > limits.practicesMax) errors.push(issue('PRACTICES_TOO_LONG', 'practices', { max: limits.practicesMax, length }));
    checkText('practices', practices, { singleLine: false, lineMap: line('practices') }, errors, warnings);
  }
  const outcomes = draft.outcomesText?.trim() ?? '';
  if (outcomes) {
    const length = textLength(outcomes);
    if (length > limits.outcomesMax) errors.push(issue('OUTCOMES_TOO_LONG', 'outcomes', { max: limits.outcomesMax, length }));
    checkText('outcomes', outcomes, { singleLine: false, lineMap: line('outcomes') }, errors, warnings);
  }

  // Personal data in what will be public
  for (const [field, text] of [
    ['title', title],
    ['practices', practices],
    ['outcomes', outcomes],
  ] as const) {
    for (const hit of findPersonalData(text)) {
      const kindZh = hit.kind === 'mobile' ? '手機號碼' : '身份證號碼';
      const kind = hit.kind === 'mobile' ? 'mobile phone number' : 'resident ID number';
      warnings.push(issue('PERSONAL_DATA', field, { kindZh, kind, masked: hit.masked }, { offset: hit.offset, excerpt: hit.masked }));
    }
  }

  // Contact (office only)
  const contact = draft.contact ?? undefined;
  if (contact?.name) checkText('contact.name', contact.name, { singleLine: true }, errors, warnings);
  if (contact?.phone && !PHONE.test(contact.phone.replace(/[\s\-()（）]/gu, ''))) {
    warnings.push(issue('CONTACT_PHONE_INVALID', 'contact.phone', { value: contact.phone }));
  }
  if (contact?.email && !EMAIL.test(contact.email))
    warnings.push(issue('CONTACT_EMAIL_INVALID', 'contact.email', { value: contact.email }));

  // Identity and round
  if (unit && ctx.expectedUnitCode && unit.code !== ctx.expectedUnitCode) {
    errors.push(issue('UNIT_MISMATCH', 'unit', { unit: `${unit.canonicalName} (${unit.code})`, expected: ctx.expectedUnitCode }));
  }
  if (ctx.round) {
    if (ctx.round.closed) errors.push(issue('ROUND_CLOSED', 'round', { round: ctx.round.number }));
    if (draft.round !== null && draft.round !== ctx.round.number) {
      errors.push(issue('ROUND_MISMATCH', 'round', { declared: draft.round, round: ctx.round.number }));
    }
    if (unit && !ctx.round.eligibleLevels.includes(unit.level)) {
      errors.push(
        issue('UNIT_LEVEL_NOT_ELIGIBLE', 'unit', { level: unit.level, levelZh: unit.level === 'county' ? '縣級' : '鄉鎮(街道)級' }),
      );
    }
  }

  // Near duplicates, compared in one script so a Simplified copy of a Traditional case is caught
  if (practices && ctx.others?.length) {
    const mine = bigrams(practices);
    const myTitle = comparisonKey(title);
    for (const other of ctx.others) {
      const similarity = Math.max(jaccard(mine, bigrams(other.practicesText)), myTitle && myTitle === comparisonKey(other.title) ? 1 : 0);
      if (similarity >= NEAR_DUPLICATE_THRESHOLD) {
        warnings.push(
          issue('DUPLICATE_NEAR', 'practices', {
            caseId: other.caseId,
            round: other.roundNumber,
            title: other.title,
            similarity: Math.round(similarity * 100),
          }),
        );
      }
    }
  }

  if (errors.length || !unit) return { valid: false, errors, warnings, dossier: null };

  const candidate: CanonicalDossier = {
    title,
    unit,
    ...(draft.round !== null ? { round: draft.round } : {}),
    practices: { text: practices, measures: extractMeasures(practices) },
    ...(outcomes ? { outcomes: { text: outcomes, figures: extractFigures(outcomes) } } : {}),
    ...(contact && Object.keys(contact).length ? { contact } : {}),
    attachments: draft.attachments,
    script: detectScript(`${title}${practices}`),
    source: { key: parse.source.key, sha256: parse.source.sha256, format: draft.format, charset: draft.charset },
  };
  const checked = canonicalDossierSchema.safeParse(candidate);
  if (!checked.success) {
    // The rules above should make this unreachable; report rather than emit a malformed dossier.
    errors.push(issue('FIELD_TYPE', 'dossier', { key: 'dossier', expected: checked.error.message, expectedEn: checked.error.message }));
    return { valid: false, errors, warnings, dossier: null };
  }
  return { valid: true, errors, warnings, dossier: checked.data };
}
