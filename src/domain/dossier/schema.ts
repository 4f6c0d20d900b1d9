/**
 * The canonical dossier (what a valid upload becomes) and the parse result that travels between
 * the Parse and Validate Lambdas through S3 (plain JSON, no classes, no Dates, no Maps).
 */
import * as z from 'zod';
import { issueSchema, LEVELS, SCRIPTS } from '../model';

export const DOSSIER_FORMATS = ['markdown', 'json', 'docx', 'zip'] as const;
export type DossierFormat = (typeof DOSSIER_FORMATS)[number];

export const attachmentSchema = z.object({
  name: z.string(),
  /** MIME type from the content's magic bytes, not from the name. */
  type: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const contactSchema = z.object({
  name: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const figureSchema = z.object({
  /** The quantity as a number (10萬 → 100000; "多/以上" qualifiers are kept in `text`). */
  value: z.number(),
  /** The counter or unit: 人, 件, %, 萬元 … */
  unit: z.string(),
  /** The figure as written, e.g. `70%以上`. */
  text: z.string(),
  /** The clause it appears in. */
  context: z.string(),
});
export type Figure = z.infer<typeof figureSchema>;

export const canonicalDossierSchema = z.object({
  title: z.string().min(1),
  unit: z.object({
    asWritten: z.string(),
    canonicalName: z.string(),
    city: z.string(),
    county: z.string().optional(),
    township: z.string().optional(),
    level: z.enum(LEVELS),
    /** Registry unit code (docs/architecture.md): county GB/T 2260 code, or `<county or city code>-<township>`. */
    code: z.string(),
  }),
  round: z.number().int().positive().optional(),
  practices: z.object({ text: z.string(), measures: z.array(z.string()) }),
  outcomes: z.object({ text: z.string(), figures: z.array(figureSchema) }).optional(),
  /** Personal data: office only, never published. */
  contact: contactSchema.optional(),
  attachments: z.array(attachmentSchema),
  script: z.enum(SCRIPTS),
  source: z.object({
    key: z.string(),
    sha256: z.string(),
    format: z.enum(DOSSIER_FORMATS),
    charset: z.string(),
  }),
});
export type CanonicalDossier = z.infer<typeof canonicalDossierSchema>;

/** Raw fields as found in the file, before any rule ran. */
export const dossierDraftSchema = z.object({
  title: z.string().nullable(),
  unitAsWritten: z.string().nullable(),
  practicesText: z.string().nullable(),
  outcomesText: z.string().nullable(),
  contact: contactSchema.nullable(),
  round: z.number().int().nullable(),
  attachments: z.array(attachmentSchema),
  format: z.enum(DOSSIER_FORMATS),
  /** For zips: the format of the dossier document inside. */
  innerFormat: z.enum(['markdown', 'json', 'docx']).nullable(),
  charset: z.string(),
  /**
   * For formats with lines: the 1-based source line of each line of a field's text (field →
   * lines), so findings inside a field point at the applicant's own file.
   */
  lines: z.record(z.string(), z.array(z.number().int())),
});
export type DossierDraft = z.infer<typeof dossierDraftSchema>;

export const parseResultSchema = z.object({
  ok: z.boolean(),
  errors: z.array(issueSchema),
  warnings: z.array(issueSchema),
  draft: dossierDraftSchema.nullable(),
  source: z.object({
    key: z.string(),
    sha256: z.string(),
    bytes: z.number().int().nonnegative(),
    format: z.enum(DOSSIER_FORMATS).nullable(),
    /** What the bytes are, by content (`docx`, `zip`, `pdf`, `cfb`, `text` …). */
    detectedType: z.string(),
    charset: z.string().nullable(),
  }),
});
export type ParseResult = z.infer<typeof parseResultSchema>;

export interface IntakeLimits {
  maxFileBytes: number;
  maxZipEntries: number;
  maxUncompressedBytes: number;
  maxCompressionRatio: number;
  maxJsonDepth: number;
  maxYamlAliases: number;
  titleMin: number;
  titleMax: number;
  practicesMin: number;
  practicesMax: number;
  outcomesMax: number;
}

export const DEFAULT_LIMITS: IntakeLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxZipEntries: 50,
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxCompressionRatio: 100,
  maxJsonDepth: 64,
  maxYamlAliases: 100,
  titleMin: 4,
  titleMax: 50,
  practicesMin: 150,
  practicesMax: 3000,
  outcomesMax: 2000,
};

export function resolveLimits(overrides?: Partial<IntakeLimits>): IntakeLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
