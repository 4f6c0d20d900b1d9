/**
 * The demo's scenario as data (data/demo/scenario/): the round's charter, the people who play it
 * and what each of them decides. `casebook demo` is a driver over it; tests read the same files
 * to know what the demo must have done.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { charterSchema, reviewerSchema, type Charter } from '../../src/domain/model';
import { zodIssues } from '../../src/domain/zod-issues';
import { CliError, EXIT } from './errors';

const identitySchema = z.object({ sub: z.string().min(1), name: z.string().min(1), groups: z.array(z.string()).min(1) });

const personasSchema = z.object({
  office: identitySchema,
  approver: identitySchema,
  panel: z.array(reviewerSchema.extend({ leniency: z.number().min(-2).max(2).default(0) })).min(1),
  brokenUnits: z.array(z.string().min(2)).min(1),
});

/** The charter without what depends on the day the demo runs (year, deadlines) and without the panel. */
const charterTemplateSchema = charterSchema.omit({ year: true, submissionDeadline: true, reviewDeadline: true, panel: true }).extend({
  year: z.number().int().optional(),
  deadlines: z.object({ submissionInDays: z.number().positive(), reviewInDays: z.number().positive() }),
});

const decisionsSchema = z.object({
  eligibility: z.literal('eligible'),
  comment: z.string().min(1),
  /** The leadership meeting approves the shortlist as ranked. */
  approval: z.literal('approve'),
  objections: z.object({ ruling: z.enum(['dismissed', 'upheld']), reason: z.string().min(2) }),
  cases: z
    .array(
      z.object({
        order: z.number().int().positive(),
        dossier: z.string().regex(/^[\w.-]+$/),
        unit: z.string().min(2),
        title: z.string().min(2),
        scores: z.record(z.string(), z.number().min(0)),
        reason: z.string().min(4),
      }),
    )
    .min(1),
});

export type DemoPersonas = z.infer<typeof personasSchema>;
export type DemoDecisions = z.infer<typeof decisionsSchema>;
export type DemoCase = DemoDecisions['cases'][number];

export interface DemoScenario {
  dir: string;
  personas: DemoPersonas;
  decisions: DemoDecisions;
  /** The charter as the demo opens the round on `now`. */
  charter(now: Date): Charter;
  /** A reviewer's sheet for a case: the case's sheet shifted by the reviewer's leniency, within the rubric's range. */
  sheet(reviewerId: string, c: DemoCase): Record<string, number>;
}

function read<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(dir, file);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'), { customTags: [], maxAliasCount: 50 });
  } catch (err) {
    throw new CliError(
      `${path}: ${(err as Error).message}`,
      EXIT.usage,
      'the demo scenario is part of the repository: restore it with git',
    );
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => `${i.field}: ${i.message.en}`);
    throw new CliError(`${path} is not a valid demo scenario:\n  ${issues.join('\n  ')}`, EXIT.invalid);
  }
  return parsed.data;
}

export function loadDemoScenario(dir: string): DemoScenario {
  const personas = read(dir, 'personas.yaml', personasSchema);
  const decisions = read(dir, 'decisions.yaml', decisionsSchema);
  const template = read(dir, 'charter.yaml', charterTemplateSchema);
  const orders = decisions.cases.map((c) => c.order);
  if (orders.some((o, i) => o !== i + 1))
    throw new CliError(`${join(dir, 'decisions.yaml')}: cases must be listed in page order 1, 2, 3, …`, EXIT.invalid);
  const panel = personas.panel.map(({ leniency: _leniency, ...reviewer }) => reviewer);
  const criteria = template.rubric.criteria.map((c) => c.id);
  for (const c of decisions.cases) {
    const keys = Object.keys(c.scores).sort();
    if (keys.join() !== [...criteria].sort().join()) {
      throw new CliError(
        `${join(dir, 'decisions.yaml')}: case ${c.order} scores ${keys.join(', ')}; the rubric has ${criteria.join(', ')}`,
        EXIT.invalid,
      );
    }
  }
  const charter = (now: Date): Charter => {
    const day = 86_400_000;
    const { deadlines, year, ...rest } = template;
    const parsed = charterSchema.parse({
      ...rest,
      year: year ?? now.getUTCFullYear(),
      submissionDeadline: new Date(now.getTime() + deadlines.submissionInDays * day).toISOString(),
      reviewDeadline: new Date(now.getTime() + deadlines.reviewInDays * day).toISOString(),
      panel,
    });
    return parsed;
  };
  const leniency = new Map(personas.panel.map((p) => [p.id, p.leniency]));
  const sheet = (reviewerId: string, c: DemoCase) => {
    const shift = leniency.get(reviewerId) ?? 0;
    const max = template.rubric.maxScore;
    return Object.fromEntries(Object.entries(c.scores).map(([k, v]) => [k, Math.round(Math.min(max, Math.max(0, v + shift)) * 100) / 100]));
  };
  return { dir, personas, decisions, charter, sheet };
}
