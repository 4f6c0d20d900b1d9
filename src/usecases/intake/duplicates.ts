/**
 * The near-duplicate index as the intake steps use it. Storing a case version files it under its
 * similarity buckets (src/domain/similarity); validating a dossier reads only the cases that
 * share a bucket with it, in any round, and hands those to the dossier rules, which make the
 * exact comparison. The reads per validation are one Query per bucket plus one GetItem per
 * candidate, whatever the number of stored cases.
 */
import type { CanonicalDossier } from '../../domain/dossier/schema';
import type { ValidationContext } from '../../domain/dossier';
import { duplicateKeys } from '../../domain/similarity';
import type { DuplicateIndexEntry, Store } from '../../store/store';

export interface IndexedText {
  title: string;
  practicesText: string;
}

const READ_CONCURRENCY = 10;

/** The texts of a stored dossier that the duplicate check compares. */
export function indexedTextOf(dossier: unknown): IndexedText | undefined {
  const d = dossier as Partial<CanonicalDossier> | undefined;
  if (!d || typeof d.title !== 'string' || typeof d.practices?.text !== 'string') return undefined;
  return { title: d.title, practicesText: d.practices.text };
}

/**
 * Files a case version under its buckets; with the text of the version it replaces, also takes
 * the case out of the buckets only the old text was in (so an old text cannot match for ever).
 */
export async function indexCaseVersion(store: Store, entry: DuplicateIndexEntry, text: IndexedText, replaced?: IndexedText): Promise<void> {
  const current = duplicateKeys(text);
  await store.indexCaseText(entry, current);
  if (replaced) {
    const kept = new Set(current);
    await store.unindexCaseText(
      entry.caseId,
      duplicateKeys(replaced).filter((key) => !kept.has(key)),
      entry.version,
    );
  }
}

/**
 * The stored dossiers that may be near duplicates of this text, as the rules' `others`: the
 * candidates' current versions, never the applicant's own case (a unit replacing its own dossier
 * is not copying).
 */
export async function nearDuplicateCandidates(store: Store, text: IndexedText, ownCaseId: string): Promise<NonNullable<ValidationContext['others']>> {
  if (!text.practicesText.trim() && !text.title.trim()) return [];
  const entries = (await store.findDuplicateCandidates(duplicateKeys(text))).filter((entry) => entry.caseId !== ownCaseId);
  const others: NonNullable<ValidationContext['others']> = [];
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++]!;
      const version = await store.getCaseVersion(entry.caseId, entry.version);
      // A superseded version is a stale entry (a newer text was filed meanwhile); the current one
      // is indexed under its own buckets and is found through them if it is similar.
      if (!version || version.supersededAt) continue;
      const stored = indexedTextOf(version.dossier);
      if (stored) others.push({ caseId: entry.caseId, roundNumber: entry.roundNumber, title: stored.title, practicesText: stored.practicesText });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, entries.length) }, worker));
  // Candidates load concurrently; the warnings come out in one order on every run.
  return others.sort((a, b) => a.roundNumber - b.roundNumber || a.caseId.localeCompare(b.caseId));
}
