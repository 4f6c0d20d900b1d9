/**
 * Site search without a server: a CJK-aware inverted index built by the renderer on every
 * publish (so a withdrawn or corrected case leaves or changes in the index with the pages), and
 * a small static script that filters the search page's list in the browser.
 *
 * Chinese has no spaces between words, so every run of Han characters is indexed as its single
 * characters and its overlapping character pairs (bigrams); a query of one character looks up
 * that character, a longer one every pair of it, and a case matches when it has them all. That
 * finds any word of two or more characters wherever it stands (禾坪 inside 禾坪說事). Pairs alone
 * would also match a case where a query's pairs occur apart (代表聯係 … 社區聯絡站 for 代表聯絡站),
 * so the index also keeps each case's folded text and a candidate must contain every run of the
 * query as written. Runs of Latin letters and digits are indexed the same way, lower-cased (so
 * 24 finds 1+24+N); a run never spans a change between Han and other characters.
 *
 * Both scripts search one index: text and query are folded character by character to Simplified
 * (OpenCC's conversion of each character), so 聯絡站 and 联络站 are the same key. The browser has
 * no OpenCC, so the index carries the fold of every character of the indexed text that changes
 * (a query character that never occurs in any case cannot match anyway).
 */
import { toHans } from '../text/script';

export const SEARCH_INDEX_FORMAT = 'casebook-search/1';

export interface SearchIndex {
  format: typeof SEARCH_INDEX_FORMAT;
  /** Number of documents; documents are numbered 0..count-1 in the order given to the builder. */
  count: number;
  /** Characters whose folded form differs: character → folded character. */
  fold: Record<string, string>;
  /** Token → document numbers, ascending. */
  terms: Record<string, number[]>;
  /** Each document's texts, folded, one per line (the phrase check). */
  texts: string[];
}

/** Han characters (CJK unified ideographs and their extensions and compatibility forms). */
const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/**
 * Per-character fold memo. Bounded for long-lived processes; a site has a few thousand distinct
 * characters, so in practice it is filled once.
 */
const FOLD_LIMIT = 100_000;
const foldMemo = new Map<string, string>();

function foldChar(ch: string): string {
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

/** The text with every character folded: NFKC, lower case, Simplified. */
export function foldText(text: string): string {
  let out = '';
  for (const ch of text) out += foldChar(ch);
  return out;
}

/** Runs of Han characters and runs of other letters/digits, in order (already folded). */
function runs(folded: string): { han: boolean; text: string }[] {
  const out: { han: boolean; text: string }[] = [];
  let current: { han: boolean; text: string } | undefined;
  for (const ch of folded) {
    const han = HAN.test(ch);
    const word = han || WORD.test(ch);
    if (!word) {
      current = undefined;
      continue;
    }
    if (!current || current.han !== han) {
      current = { han, text: '' };
      out.push(current);
    }
    current.text += ch;
  }
  return out;
}

/** Every token a document's text is indexed under: each run's single characters and pairs. */
export function documentTokens(text: string, into: Set<string> = new Set()): Set<string> {
  for (const run of runs(foldText(text))) {
    const chars = [...run.text];
    for (let i = 0; i < chars.length; i++) {
      into.add(chars[i]!);
      if (i + 1 < chars.length) into.add(chars[i]! + chars[i + 1]!);
    }
  }
  return into;
}

/**
 * The tokens a query needs, all of which a matching document has: a one-character run as
 * itself, a longer one as its pairs. Empty for a query with no letters or digits.
 * `fold` folds one character (the browser passes the index's table; the default is OpenCC's).
 */
export function queryTokens(query: string, fold: (ch: string) => string = foldChar): string[] {
  return parseQuery(query, fold).tokens;
}

/** A query's runs (each must occur in a matching case's folded text) and the tokens they need. */
export function parseQuery(query: string, fold: (ch: string) => string = foldChar): { runs: string[]; tokens: string[] } {
  let folded = '';
  for (const ch of query) folded += fold(ch);
  const tokens = new Set<string>();
  const found = runs(folded);
  for (const run of found) {
    const chars = [...run.text];
    if (chars.length === 1) tokens.add(run.text);
    else for (let i = 0; i + 1 < chars.length; i++) tokens.add(chars[i]! + chars[i + 1]!);
  }
  return { runs: [...new Set(found.map((run) => run.text))], tokens: [...tokens] };
}

export interface SearchDocument {
  /** Every text the document is found by (each script's form may be given; duplicates are cheap). */
  texts: readonly string[];
}

/**
 * Tokens of one document's texts, remembered by the texts themselves: the publisher re-renders
 * the whole site for every change and almost every case is the same as last time.
 */
const TOKEN_MEMO_LIMIT = 20_000;
const tokenMemo = new Map<string, string[]>();

function tokensOfDocument(doc: SearchDocument): string[] {
  const key = doc.texts.join('\u0000');
  let tokens = tokenMemo.get(key);
  if (!tokens) {
    const set = new Set<string>();
    for (const text of doc.texts) documentTokens(text, set);
    tokens = [...set];
    if (tokenMemo.size >= TOKEN_MEMO_LIMIT) tokenMemo.clear();
    tokenMemo.set(key, tokens);
  }
  return tokens;
}

export function buildSearchIndex(docs: readonly SearchDocument[]): SearchIndex {
  const terms = new Map<string, number[]>();
  const chars = new Set<string>();
  const texts: string[] = [];
  docs.forEach((doc, n) => {
    texts.push(foldedTextOf(doc));
    for (const token of tokensOfDocument(doc)) {
      let postings = terms.get(token);
      if (!postings) terms.set(token, (postings = []));
      postings.push(n);
    }
    for (const text of doc.texts) for (const ch of text) chars.add(ch);
  });
  const fold: Record<string, string> = {};
  for (const ch of [...chars].sort()) {
    const folded = foldChar(ch);
    if (folded !== ch) fold[ch] = folded;
  }
  const sortedTerms: Record<string, number[]> = {};
  for (const token of [...terms.keys()].sort()) sortedTerms[token] = terms.get(token)!;
  return { format: SEARCH_INDEX_FORMAT, count: docs.length, fold, terms: sortedTerms, texts };
}

/** A document's distinct folded texts, one per line (a query run never spans a line break). */
function foldedTextOf(doc: SearchDocument): string {
  const lines = new Set<string>();
  for (const text of doc.texts) {
    for (const line of foldText(text).split(/\s*\n\s*/)) if (line.trim()) lines.add(line.trim());
  }
  return [...lines].join('\n');
}

/**
 * Document numbers matching a query, ascending; every document for a query without tokens.
 * The browser script does the same with the same rules (a unit test holds them together).
 */
export function searchIndex(index: SearchIndex, query: string): number[] {
  const { runs: phrases, tokens } = parseQuery(query, (ch) => index.fold[ch] ?? ch.normalize('NFKC').toLowerCase());
  if (tokens.length === 0) return Array.from({ length: index.count }, (_, i) => i);
  let result: number[] | undefined;
  for (const token of tokens) {
    const postings = Object.hasOwn(index.terms, token) ? index.terms[token]! : [];
    if (!result) result = [...postings];
    else {
      const have = new Set(postings);
      result = result.filter((n) => have.has(n));
    }
    if (result.length === 0) break;
  }
  return (result ?? []).filter((n) => phrases.every((phrase) => (index.texts[n] ?? '').includes(phrase)));
}
