/**
 * The one place the intake use cases meet the dossier domain (src/domain/dossier): parsing bytes,
 * and validating a parse result against the round's context.
 *
 * Each half imports its own domain module directly, never the dossier index: the index also
 * re-exports the docx writer (render.ts), which no function needs, and the parse and validate
 * functions each bundle only their half (parseRules and validateRules live in separate modules,
 * in src/bundle-seams/, because esbuild keeps a module's top-level code once anything of it is
 * imported).
 */
import type { IntakeReport, ValidationContext } from '../../domain/dossier/validate';
import type { ParseResult } from '../../domain/dossier/schema';

export interface DossierRules {
  parse(bytes: Uint8Array, source: { key: string }): Promise<ParseResult>;
  validate(parsed: ParseResult, context: ValidationContext): IntakeReport;
}
