/**
 * Site search without a server: an index built by the renderer on every publish (so a withdrawn
 * or corrected case leaves or changes in the index with the pages), and a small static script
 * that filters the search page's list in the browser.
 *
 * Chinese has no spaces between words, so a query is not split into words but into runs: the
 * stretches of Han characters, and of Latin letters and digits, between spaces and punctuation
 * (a run never spans a change between Han and other characters). A case matches when its text
 * contains every run of the query, so any word is found wherever it stands (禾坪 inside 禾坪說事)
 * and a phrase only where it occurs as written (代表聯絡站, not 代表聯係 … 社區聯絡站).
 *
 * Both scripts search one index: texts and queries are folded character by character — NFKC,
 * lower case, then OpenCC's Simplified form of each Han character — so 聯絡站 and 联络站 are the
 * same. The index holds each case's folded text (one line per field) and the fold of every
 * character the browser may need, those of the case's texts in both scripts, since the browser
 * has no OpenCC.
 *
 * Why not an n-gram inverted index: with postings for every character pair the index of a
 * 1,000-case round grew to 2.5 MB and tripled the publisher's render time, while a scan of the
 * folded texts with `indexOf` answers a query over 1,000 cases in milliseconds in the browser
 * and is exact without a second check.
 */
import { toHans } from '../text/script';

export const SEARCH_INDEX_FORMAT = 'casebook-search/2';

export interface SearchIndex {
  format: typeof SEARCH_INDEX_FORMAT;
  /** Number of documents; documents are numbered 0..count-1 in the order given to the builder. */
  count: number;
  /** Characters whose folded form differs: character → folded character. */
  fold: Record<string, string>;
  /** Each document's texts, folded, one per line. */
  texts: string[];
}

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/**
 * Per-character fold memo. Bounded for long-lived processes; a site has a few thousand distinct
 * characters, so in practice it is filled once and every later fold is one lookup per character.
 */
const FOLD_LIMIT = 100_000;
const foldMemo = new Map<string, string>();

export function foldChar(ch: string): string {
  let folded = foldMemo.get(ch);
  if (folded === undefined) {
    const lower = ch.normalize('NFKC').toLowerCase();
    if (HAN.test(lower)) {
      const hans = toHans(lower);
      // a phrase table could turn one character into several; keep only one-for-one folds
      folded = [...hans].length === 1 ? hans : lower;
    } else {
      folded = lower;
    }
    if (foldMemo.size >= FOLD_LIMIT) foldMemo.clear();
    foldMemo.set(ch, folded);
  }
  return folded;
}

/**
 * Folds of the Basic Multilingual Plane by code unit: the publisher folds every case's text on
 * each render, and a table lookup per character (copying only the characters that change) is
 * several times faster than iterating code points through a Map.
 */
const BMP_FOLDS: (string | undefined)[] = new Array(0x10000);

/** The text with every character folded: NFKC, lower case, Simplified. `seen` marks each BMP code unit met. */
export function foldText(text: string, seen?: Uint8Array): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let ch: string;
    let folded: string;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      ch = text.slice(i, i + 2);
      folded = foldChar(ch);
    } else {
      if (seen) seen[code] = 1;
      const known = BMP_FOLDS[code];
      if (known !== undefined) {
        if (known.length === 1 && known.charCodeAt(0) === code) continue;
        ch = text[i]!;
        folded = known;
      } else {
        ch = text[i]!;
        folded = BMP_FOLDS[code] = foldChar(ch);
      }
    }
    if (folded !== ch) {
      out += text.slice(start, i) + folded;
      start = i + ch.length;
    }
    if (ch.length === 2) i++;
  }
  return start === 0 ? text : out + text.slice(start);
}

/**
 * A query's runs, folded and distinct, in order: what a matching document must contain. Empty for
 * a query with no letters or digits. `fold` folds one character (the browser passes the index's
 * table; the default is OpenCC's).
 */
export function queryRuns(query: string, fold: (ch: string) => string = foldChar): string[] {
  const runs: string[] = [];
  let current = '';
  let currentHan = false;
  const end = () => {
    if (current && !runs.includes(current)) runs.push(current);
    current = '';
  };
  for (const raw of query) {
    const ch = fold(raw);
    const han = HAN.test(ch);
    if (!han && !WORD.test(ch)) {
      end();
      continue;
    }
    if (current && han !== currentHan) end();
    currentHan = han;
    current += ch;
  }
  end();
  return runs;
}

export interface SearchDocument {
  /** The texts the document is found by (title, unit, city, practices, outcomes, reason). */
  texts: readonly string[];
  /**
   * The same texts in the other script (as its pages show them): not indexed, since folding
   * makes them the same, but their characters go into the fold table so a query typed in that
   * script folds in the browser.
   */
  mirror?: readonly string[];
}

/**
 * Folded texts, remembered by their source: the publisher re-renders the whole site for every
 * change and almost every case is the same as last time.
 */
const TEXT_MEMO_LIMIT = 20_000;
const textMemo = new Map<string, string>();

/** The distinct characters of a text (code units of the BMP, pairs outside it), into `seen`/`astral`. */
function markCharacters(text: string, seen: Uint8Array, astral: Set<string>): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      astral.add(text.slice(i, i + 2));
      i++;
    } else {
      seen[code] = 1;
    }
  }
}

function foldedTextOf(doc: SearchDocument, seen: Uint8Array, astral: Set<string>): string {
  const key = doc.texts.join('\n');
  let folded = textMemo.get(key);
  if (folded === undefined) {
    const lines: string[] = [];
    for (const text of doc.texts) {
      for (const line of text.split('\n')) {
        const trimmed = line.trim();
        if (trimmed) lines.push(foldText(trimmed));
      }
    }
    folded = lines.join('\n');
    if (textMemo.size >= TEXT_MEMO_LIMIT) textMemo.clear();
    textMemo.set(key, folded);
  }
  // the characters are marked on every build (the memo must not decide what the table holds)
  for (const text of doc.texts) markCharacters(text, seen, astral);
  for (const text of doc.mirror ?? []) markCharacters(text, seen, astral);
  return folded;
}

export function buildSearchIndex(docs: readonly SearchDocument[]): SearchIndex {
  const seen = new Uint8Array(0x10000);
  const astral = new Set<string>();
  const texts = docs.map((doc) => foldedTextOf(doc, seen, astral));
  // every character a query may be typed in: those of the texts in both scripts
  const chars: string[] = [...astral];
  for (let code = 0; code < 0x10000; code++) if (seen[code]) chars.push(String.fromCharCode(code));
  const fold: Record<string, string> = {};
  for (const ch of chars.sort()) {
    const f = foldChar(ch);
    if (f !== ch) fold[ch] = f;
  }
  return { format: SEARCH_INDEX_FORMAT, count: docs.length, fold, texts };
}

/**
 * Document numbers matching a query, ascending; every document for a query without runs.
 * The browser script does the same with the same rules (a unit test holds them together).
 */
export function searchIndex(index: SearchIndex, query: string): number[] {
  const runs = queryRuns(query, (ch) => (Object.hasOwn(index.fold, ch) ? index.fold[ch]! : ch.normalize('NFKC').toLowerCase()));
  const out: number[] = [];
  for (let n = 0; n < index.count; n++) {
    const text = index.texts[n] ?? '';
    if (runs.every((run) => text.includes(run))) out.push(n);
  }
  return out;
}
