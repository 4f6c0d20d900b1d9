/** What of a stored dossier may be published: the site and the round export read the same texts. */
import type { Script } from '../model';

/** The canonical dossier's public texts; anything else in it stays in the office. */
export function publicContent(dossier: unknown): { practices: string; outcomes?: string; script?: Script } {
  const d = (dossier ?? {}) as { practices?: { text?: unknown } | string; outcomes?: { text?: unknown } | string; script?: unknown };
  const text = (field: unknown): string | undefined =>
    typeof field === 'string'
      ? field
      : field && typeof (field as { text?: unknown }).text === 'string'
        ? (field as { text: string }).text
        : undefined;
  const practices = text(d.practices) ?? '';
  const outcomes = text(d.outcomes);
  // the script the applicant wrote in, so each page can show the applicant's text in its own script
  const script: { script?: Script } = d.script === 'hans' || d.script === 'hant' ? { script: d.script } : {};
  return outcomes === undefined ? { practices, ...script } : { practices, outcomes, ...script };
}
