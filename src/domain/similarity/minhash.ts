/**
 * Near-duplicate candidates without comparing a dossier against every other one: MinHash
 * signatures over the same character bigrams the dossier rules compare (src/domain/dossier/
 * validate.ts, Jaccard of bigrams of the comparison key, threshold NEAR_DUPLICATE_THRESHOLD),
 * banded for locality-sensitive hashing.
 *
 * Two texts whose bigram sets have Jaccard similarity s share at least one band bucket with
 * probability 1 − (1 − s^ROWS)^BANDS. With 50 bands of 5 rows that is 0.98 at s = 0.6, 0.996 at
 * 0.65, 0.40 at 0.4, 0.11 at 0.3 and under 0.001 at 0.1 (unrelated dossiers of this genre share
 * 3–10% of their bigrams: round 5's twelve cases measure 0.03–0.10 pairwise). The curve rises
 * just below the threshold so a missed duplicate is rare; a candidate that is not one costs one
 * read and is dropped by the exact comparison, which stays the judge.
 *
 * Everything here is deterministic: the hash family comes from a fixed seed, so signatures and
 * bucket keys written in one year match those computed the next.
 */
import { createHash } from 'node:crypto';
import { comparisonKey } from '../text/script';
import { mulberry32 } from '../random';

export const BANDS = 50;
export const ROWS = 5;
export const SIGNATURE_LENGTH = BANDS * ROWS;

/** Probability that two texts of bigram Jaccard similarity `s` share at least one band. */
export function candidateProbability(s: number, bands = BANDS, rows = ROWS): number {
  return 1 - (1 - s ** rows) ** bands;
}

/** The bigrams of a text's comparison key (Simplified, NFC, no spaces or punctuation). */
export function shingles(text: string): Set<string> {
  const chars = [...comparisonKey(text)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** Jaccard similarity of two sets (0 when either is empty), as the dossier rules compute it. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Murmur3's finaliser: a bijective 32-bit mix with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised: the base hash of a shingle. */
function baseHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

/** Changing this seed re-buckets every stored case: the index would have to be rebuilt. */
const FAMILY_SEED = 0x0ca5eb00;
const SALTS: readonly [number, number][] = (() => {
  const next = mulberry32(FAMILY_SEED);
  return Array.from({ length: SIGNATURE_LENGTH }, () => [next(), next() | 1] as [number, number]);
})();

/**
 * The MinHash signature of a shingle set: for each of the family's hash functions, the least
 * hash over the set. Empty for an empty set (such a text has nothing to compare).
 */
export function signature(set: ReadonlySet<string>): Uint32Array {
  if (set.size === 0) return new Uint32Array(0);
  const sig = new Uint32Array(SIGNATURE_LENGTH).fill(0xffffffff);
  for (const shingle of set) {
    const x = baseHash(shingle);
    for (let i = 0; i < SIGNATURE_LENGTH; i++) {
      const [xor, mul] = SALTS[i]!;
      const h = fmix32(Math.imul(x ^ xor, mul));
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity from two signatures (the share of equal positions). */
export function estimateSimilarity(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== SIGNATURE_LENGTH || b.length !== SIGNATURE_LENGTH) return 0;
  let equal = 0;
  for (let i = 0; i < SIGNATURE_LENGTH; i++) if (a[i] === b[i]) equal++;
  return equal / SIGNATURE_LENGTH;
}

/** One band's bucket: band number and a hash of its rows. Texts sharing one are candidates. */
export interface BandBucket {
  band: number;
  bucket: string;
}

export function bandBuckets(sig: Uint32Array): BandBucket[] {
  if (sig.length !== SIGNATURE_LENGTH) return [];
  const out: BandBucket[] = [];
  for (let band = 0; band < BANDS; band++) {
    // Decimal text rather than the array's bytes, so the key does not depend on byte order.
    const rows = Array.from(sig.subarray(band * ROWS, (band + 1) * ROWS)).join(',');
    out.push({ band, bucket: createHash('sha256').update(rows).digest('hex').slice(0, 16) });
  }
  return out;
}

/**
 * The keys under which a dossier is indexed and looked up: its practices' band buckets, plus
 * its title's comparison key (the rules also call an identically titled dossier a duplicate).
 * Each key names one bucket; two dossiers that share a key are candidates for the exact check.
 */
export function duplicateKeys(text: { title: string; practicesText: string }): string[] {
  const keys = bandBuckets(signature(shingles(text.practicesText))).map(({ band, bucket }) => `${String(band).padStart(2, '0')}#${bucket}`);
  const title = comparisonKey(text.title);
  if (title) keys.push(`T#${createHash('sha256').update(title).digest('hex').slice(0, 16)}`);
  return keys;
}
