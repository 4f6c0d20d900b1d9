/**
 * Dossier intake: one uploaded file in, a canonical dossier or coded errors out.
 * Plain TypeScript, no AWS; used by the Parse/Validate Lambdas and the `casebook validate` CLI.
 */
import { parseDossier } from './parse';
import type { IntakeLimits } from './schema';
import { validateDossier, type IntakeReport, type ValidationContext } from './validate';

export { parseDossier, type ParseOptions } from './parse';
export { validateDossier, textLength, NEAR_DUPLICATE_THRESHOLD, type IntakeReport, type ValidationContext } from './validate';
export { INTAKE_CODES, issue, type IntakeCode } from './codes';
export { redactPersonalData, findPersonalData } from './personal';
export { extractMeasures, extractFigures } from './extract';
export { renderMarkdown, renderJson, renderDocx, type DossierContent, type DocxOptions } from './render';
export * from './schema';

/** Parse then validate, in one call (the CLI and tests; the pipeline runs the two steps apart). */
export async function intakeDossier(
  bytes: Uint8Array,
  opts: { key: string; limits?: Partial<IntakeLimits>; ctx?: ValidationContext },
): Promise<IntakeReport> {
  const parsed = await parseDossier(bytes, { key: opts.key, ...(opts.limits ? { limits: opts.limits } : {}) });
  return validateDossier(parsed, {
    ...(opts.ctx ?? {}),
    ...(opts.limits ? { limits: { ...opts.limits, ...(opts.ctx?.limits ?? {}) } } : {}),
  });
}
