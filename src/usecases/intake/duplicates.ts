/**
 * The near-duplicate index as the intake steps use it. Storing a case version files its
 * similarity bucket keys (src/domain/similarity) in the signature log, in the same transaction as
 * the version; validating a dossier reads only the cases that share a bucket with it, in any
 * round, and hands those to the dossier rules, which make the exact comparison. The reads per
 * validation are one Query of the log's unread tail (the container keeps what it read; each
 * bucket is cut after `NEAR_DUPLICATE_BOUNDS.perBucket` entries, as a bucket Query was) plus one
 * BatchGetItem for the at most `NEAR_DUPLICATE_BOUNDS.compared` candidates compared, whatever
 * the number of stored cases.
 */
import type { CanonicalDossier } from '../../domain/dossier/schema';
import type { ValidationContext } from '../../domain/dossier';
import { duplicateKeys } from '../../domain/similarity';
import type { DuplicateIndexEntry, RankedDuplicateCandidate, StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type DuplicatesStore = StorePort<{
  cases: 'findRankedDuplicateCandidates' | 'getDuplicateTexts' | 'fileSignature';
}>;

/** What store-case uses to file a new version's signature inside the version's own transaction. */
export type SignatureStore = StorePort<{ cases: 'reserveSignature' | 'abandonSignature' | 'fileSignature' }>;

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
 * Files a case version's signature unless the log already holds it or a newer version of the
 * case (backfilled rounds, cases stored before the log, a retried step). A newer version's
 * signature replaces the older one's for every lookup, as taking the older entries out did.
 */
export async function indexCaseVersion(
  store: StorePort<{ cases: 'fileSignature' }>,
  entry: DuplicateIndexEntry,
  text: IndexedText,
): Promise<void> {
  await store.cases.fileSignature(entry, duplicateKeys(text));
}

/**
 * How much of the index one validation reads and compares. Normal rounds stay far inside both
 * bounds (a bucket of unrelated dossiers holds a case or two; round 5's twelve cases share none),
 * and then the lookup is exact: every candidate is compared, as before the bounds existed. They
 * matter when many stored dossiers are near copies of one another (townships filing one
 * template), where reading and comparing every copy made each validation cost grow with the
 * number of copies — and a list of a thousand near-duplicate warnings helps no reader.
 */
export interface NearDuplicateBounds {
  /**
   * Candidates compared exactly (their texts read and compared by the rules): 30, so the
   * townships of one county sharing a template (typically a dozen or two) are still all named,
   * while the list stays short enough to read; one BatchGetItem (≤ 100 keys) reads them.
   */
  compared: number;
  /**
   * Entries read per bucket: as many as may be compared. A bucket alone then still yields a full
   * set to compare, and a candidate cut from one crowded bucket is still counted in its others
   * (see `Store.findRankedDuplicateCandidates`).
   */
  perBucket: number;
}

export const NEAR_DUPLICATE_BOUNDS: NearDuplicateBounds = { compared: 30, perBucket: 30 };

/** What the lookup found: the candidates to compare, and how many it left uncompared. */
export interface NearDuplicateLookup {
  /** The rules' `others`: the compared candidates' current texts, by round then case id. */
  others: NonNullable<ValidationContext['others']>;
  /** Candidates found but not compared (0 whenever the lookup stayed within its bounds). */
  uncompared: number;
  /** True when some bucket held more than was read: `uncompared` is then a lower bound. */
  atLeast: boolean;
}

/**
 * The order in which candidates are compared when there are more than the bound: a shared title
 * first (the rules call an equal title a duplicate outright), then by the number of shared
 * buckets. Each of the 50 bands of two texts of bigram Jaccard s agrees with probability s⁵,
 * independently, so the number of shared bands is a binomial whose mean 50·s⁵ rises with s:
 * more shared bands means a higher estimated similarity (≈ 4 bands at the rules' 0.6, ≈ 39 at
 * 0.95, and one band alone points at s ≈ 0.46). Ties go to later rounds, then by case id, so
 * the choice is the same on every run.
 */
function byLikelySimilarity(a: RankedDuplicateCandidate, b: RankedDuplicateCandidate): number {
  return (
    Number(b.sharesTitle) - Number(a.sharesTitle) ||
    b.sharedBuckets - a.sharedBuckets ||
    b.roundNumber - a.roundNumber ||
    (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0)
  );
}

/**
 * The stored dossiers that may be near duplicates of this text, as the rules' `others`: the
 * candidates' current versions, never the applicant's own case (a unit replacing its own dossier
 * is not copying). At most `bounds.compared` of them, the likeliest first (`byLikelySimilarity`);
 * the rest are counted in `uncompared`.
 */
export async function nearDuplicateCandidates(
  store: DuplicatesStore,
  text: IndexedText,
  ownCaseId: string,
  bounds: NearDuplicateBounds = NEAR_DUPLICATE_BOUNDS,
): Promise<NearDuplicateLookup> {
  if (!text.practicesText.trim() && !text.title.trim()) return { others: [], uncompared: 0, atLeast: false };
  const found = await store.cases.findRankedDuplicateCandidates(duplicateKeys(text), bounds.perBucket);
  const candidates = found.candidates.filter((entry) => entry.caseId !== ownCaseId);
  const entries = candidates.length > bounds.compared ? [...candidates].sort(byLikelySimilarity).slice(0, bounds.compared) : candidates;
  const texts = new Map((await store.cases.getDuplicateTexts(entries)).map((stored) => [`${stored.caseId}#${stored.version}`, stored]));
  const others: NonNullable<ValidationContext['others']> = [];
  for (const entry of entries) {
    const stored = texts.get(`${entry.caseId}#${entry.version}`);
    // A superseded version is a stale entry (a newer text was filed meanwhile); the current one
    // is indexed under its own buckets and is found through them if it is similar.
    if (!stored || stored.supersededAt || stored.title === undefined || stored.practicesText === undefined) continue;
    others.push({ caseId: entry.caseId, roundNumber: entry.roundNumber, title: stored.title, practicesText: stored.practicesText });
  }
  // The warnings come out in one order on every run, whatever order the batch answered in.
  others.sort((a, b) => a.roundNumber - b.roundNumber || a.caseId.localeCompare(b.caseId));
  return { others, uncompared: candidates.length - entries.length, atLeast: found.truncated };
}
