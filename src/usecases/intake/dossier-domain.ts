/**
 * The one place the intake use cases meet the dossier domain (src/domain/dossier): parsing bytes,
 * and validating a parse result against the round's context.
 */
import { parseDossier, validateDossier, type IntakeReport, type ValidationContext } from '../../domain/dossier';
import type { ParseResult } from '../../domain/dossier/schema';

export interface DossierRules {
  parse(bytes: Uint8Array, source: { key: string }): Promise<ParseResult>;
  validate(parsed: ParseResult, context: ValidationContext): IntakeReport;
}

export const dossierRules: DossierRules = {
  parse: (bytes, source) => parseDossier(bytes, { key: source.key }),
  validate: (parsed, context) => validateDossier(parsed, context),
};
