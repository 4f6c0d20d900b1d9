/**
 * The near-duplicate index as the intake steps use it. Storing a case version files it under its
 * similarity buckets (src/domain/similarity); validating a dossier reads only the cases that
 * share a bucket with it, in any round, and hands those to the dossier rules, which make the
 * exact comparison. The reads per validation are one Query per bucket plus one BatchGetItem per
 * 100 candidates, whatever the number of stored cases.
 */
import type { CanonicalDossier } from '../../domain/dossier/schema';
import type { ValidationContext } from '../../domain/dossier';
import { duplicateKeys } from '../../domain/similarity';
import type { DuplicateIndexEntry, Store } from '../../store/store';

export interface IndexedText {
  title: string;
  practicesText: string;
}

/** The texts of a stored dossier that the duplicate check compares. */
export function indexedTextOf(dossier: unknown): IndexedText | undefined {
  const d = dossier as Partial<CanonicalDossier> | undefined;
  if (!d || typeof d.title !== 'string' || typeof d.practices?.text !== 'string') return undefined;
  return { title: d.title, practicesText: d.practices.text };
}

/**
 * Files a case version under its buckets; with the version it replaces (its number and text),
 * also takes that version's entries out (so an old text cannot match for ever). Each version is
 * its own entry: the new one is filed first, so a reader in between finds the case either way.
 */
export async function indexCaseVersion(
  store: Store,
  entry: DuplicateIndexEntry,
  text: IndexedText,
  replaced?: { version: number; text: IndexedText },
): Promise<void> {
  await store.indexCaseText(entry, duplicateKeys(text));
  if (replaced && replaced.version < entry.version) await store.unindexCaseText(entry.caseId, duplicateKeys(replaced.text), replaced.version);
}

/**
 * The stored dossiers that may be near duplicates of this text, as the rules' `others`: the
 * candidates' current versions, never the applicant's own case (a unit replacing its own dossier
 * is not copying).
 */
export async function nearDuplicateCandidates(store: Store, text: IndexedText, ownCaseId: string): Promise<NonNullable<ValidationContext['others']>> {
  if (!text.practicesText.trim() && !text.title.trim()) return [];
  const entries = (await store.findDuplicateCandidates(duplicateKeys(text))).filter((entry) => entry.caseId !== ownCaseId);
  const texts = new Map((await store.getDuplicateTexts(entries)).map((stored) => [`${stored.caseId}#${stored.version}`, stored]));
  const others: NonNullable<ValidationContext['others']> = [];
  for (const entry of entries) {
    const stored = texts.get(`${entry.caseId}#${entry.version}`);
    // A superseded version is a stale entry (a newer text was filed meanwhile); the current one
    // is indexed under its own buckets and is found through them if it is similar.
    if (!stored || stored.supersededAt || stored.title === undefined || stored.practicesText === undefined) continue;
    others.push({ caseId: entry.caseId, roundNumber: entry.roundNumber, title: stored.title, practicesText: stored.practicesText });
  }
  // The warnings come out in one order on every run, whatever order the batch answered in.
  return others.sort((a, b) => a.roundNumber - b.roundNumber || a.caseId.localeCompare(b.caseId));
}
