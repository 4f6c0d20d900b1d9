/**
 * Detectors for text defects an applicant (or a published page) must fix rather than have us
 * silently drop: mojibake, markup in plain fields, control and invisible characters.
 *
 * Every finding carries a position (offset, 1-based line and column, in code points) and an
 * excerpt, so a person can find it in their own document.
 */
import type * as IconvLite from 'iconv-lite';
import { commonJsExports } from '../dossier/commonjs';
import { toHans } from './script';

export type DefectKind = 'mojibake' | 'markup' | 'control' | 'bidi' | 'zero-width';

export interface TextDefect {
  kind: DefectKind;
  /** Offset in UTF-16 code units into the examined text. */
  offset: number;
  line: number;
  column: number;
  excerpt: string;
  /** What was recognised, for people and logs (e.g. "U+202E", "<span>", "GBK bytes read as UTF-8"). */
  detail: string;
}

/** 1-based line and column (in code points) of a UTF-16 offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

export function excerptAt(text: string, offset: number, length = 1, radius = 8): string {
  const start = Math.max(0, offset - radius);
  const end = Math.min(text.length, offset + length + radius);
  return text.slice(start, end).replace(/\s+/g, ' ');
}

function defect(text: string, kind: DefectKind, offset: number, length: number, detail: string): TextDefect {
  return { kind, offset, ...positionOf(text, offset), excerpt: excerptAt(text, offset, length), detail };
}

// ---------------------------------------------------------------------------------------------
// Mojibake

/**
 * iconv-lite (GBK and Windows-1252 tables, 0.27 MB of the validate function's bundle) re-encodes
 * suspicious runs. It is not part of any function's init: `loadLegacyEncodings()` imports it (a
 * chunk of its own in a bundle) and the validate step awaits it while its first reads wait on the
 * network. Where there is a node_modules (tests, the CLI, scripts) a first use without it loads
 * the package synchronously; in a bundle a missing load fails loudly.
 */
let iconvLib: typeof IconvLite | undefined;
let loadingIconv: Promise<void> | undefined;

export function loadLegacyEncodings(): Promise<void> {
  loadingIconv ??= import('iconv-lite').then(
    (module) => {
      iconvLib ??= commonJsExports(module as unknown as typeof IconvLite);
    },
    (error: unknown) => {
      loadingIconv = undefined;
      throw error;
    },
  );
  return loadingIconv;
}

export class LegacyEncodingsNotLoadedError extends Error {
  constructor(cause: unknown) {
    super('iconv-lite is not loaded: await loadLegacyEncodings() before looking for mojibake', { cause });
    this.name = 'LegacyEncodingsNotLoadedError';
  }
}

function iconv(): typeof IconvLite {
  if (iconvLib) return iconvLib;
  try {
    // Node's own require, not esbuild's (which would bundle the package back into the init code).
    const { createRequire } = process.getBuiltinModule('node:module');
    iconvLib = createRequire(import.meta.url)('iconv-lite') as typeof IconvLite;
  } catch (error) {
    throw new LegacyEncodingsNotLoadedError(error);
  }
  return iconvLib;
}

const HAN = '\\p{Script=Han}';
/**
 * A half-width "?" glued to Chinese text and followed by "!" or ";" is what a GBK page leaves when
 * a byte was lost or added: the full-width punctuation pair splits into an undecodable byte and
 * an ASCII one, and the following characters shift into rare ones (as in the seed page:
 * `精心選題?!跋蛉嗣駞R報`).
 */
const SHIFTED_GBK = new RegExp(`(?<=[${HAN}”」』）)])\\?[!;](?=.)`, 'gu');
/** "?" standing in for a character between two Chinese characters: a lossy re-encoding. */
const LOST_CHAR = new RegExp(`(?<=${HAN})\\?{1,4}(?=${HAN})`, 'gu');
/**
 * UTF-8 read as Latin-1 or Windows-1252: each Chinese character becomes a lead letter in
 * U+00E0–U+00EF followed by two continuation-looking characters (`ä¸­æ–‡`).
 */
const CP1252_CONT =
  '\\u0080-\\u00BF\\u0152\\u0153\\u0160\\u0161\\u0178\\u017D\\u017E\\u0192\\u02C6\\u02DC\\u2013\\u2014\\u2018-\\u201E\\u2020-\\u2022\\u2026\\u2030\\u2039\\u203A\\u20AC\\u2122';
const UTF8_AS_LATIN1 = new RegExp(`(?:[\\u00C2-\\u00F4][${CP1252_CONT}]{1,3}){2,}`, 'gu');
/** Runs of CJK text that may be UTF-8 bytes read as GBK (`銆傗€滃悜浜烘皯`). */
const CJK_RUN = /[\u2000-\u206F\u3000-\u303F\u4E00-\u9FFF\uE000-\uF8FF\uFF00-\uFFEF€]{3,}/gu;

function isUtf8Cjk(bytes: Uint8Array, at: number): boolean {
  const b0 = bytes[at]!;
  const b1 = bytes[at + 1];
  const b2 = bytes[at + 2];
  return b0 >= 0xe2 && b0 <= 0xe9 && b1 !== undefined && b2 !== undefined && (b1 & 0xc0) === 0x80 && (b2 & 0xc0) === 0x80;
}

/**
 * Whether the GBK encoding of a run contains at least `minChars` consecutive well-formed UTF-8
 * three-byte sequences (CJK and general punctuation): real Chinese text encoded in GBK almost
 * never does, because common characters have lead bytes in B0–D7, which UTF-8 forbids as leads.
 */
function gbkRunLooksLikeUtf8(run: string, minChars = 3): boolean {
  const encodable = run.replace(/[^\u0000-\uFFFF]/gu, '');
  const candidates = encodable === toHans(encodable) ? [encodable] : [encodable, toHans(encodable)];
  for (const candidate of candidates) {
    const bytes = iconv().encode(candidate, 'gbk');
    for (let start = 0; start < bytes.length; start++) {
      let count = 0;
      let i = start;
      while (isUtf8Cjk(bytes, i)) {
        count++;
        i += 3;
      }
      if (count >= minChars) return true;
    }
  }
  return false;
}

export function findMojibake(text: string): TextDefect[] {
  const found: TextDefect[] = [];
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
    found.push(defect(text, 'mojibake', i, 1, 'U+FFFD replacement character (bytes lost in decoding)'));
  }
  for (const m of text.matchAll(SHIFTED_GBK)) found.push(defect(text, 'mojibake', m.index, m[0].length, 'GBK text shifted by a byte'));
  for (const m of text.matchAll(LOST_CHAR)) found.push(defect(text, 'mojibake', m.index, m[0].length, '"?" in place of a character'));
  for (const m of text.matchAll(UTF8_AS_LATIN1)) {
    const bytes = iconv().encode(m[0], 'windows-1252');
    if (new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD/g, '').length < m[0].length) {
      found.push(defect(text, 'mojibake', m.index, m[0].length, 'UTF-8 bytes read as Latin-1/Windows-1252'));
    }
  }
  for (const m of text.matchAll(CJK_RUN)) {
    if (gbkRunLooksLikeUtf8(m[0])) found.push(defect(text, 'mojibake', m.index, m[0].length, 'UTF-8 bytes read as GBK'));
  }
  // One damaged spot often trips two detectors: report it once.
  found.sort((a, b) => a.offset - b.offset);
  return found.filter((d, i) => i === 0 || d.offset - found[i - 1]!.offset > 2);
}

// ---------------------------------------------------------------------------------------------
// Markup

const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/giu;
const HTML_ENTITY = /&(?:[A-Za-z][A-Za-z0-9]{1,30}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/gu;
const BBCODE = /\[\/?(?:b|i|u|url|img|color|size|font|quote|code)(?:=[^\]]*)?\]/giu;
/** Markdown emphasis, links and headings only count as markup in single-line fields (titles, names). */
const INLINE_MARKDOWN = /\*\*[^*]+\*\*|__[^_]+__|\[[^\]]+\]\([^)]+\)|^#{1,6}\s|`[^`]+`/gmu;

export function findMarkup(text: string, opts: { inlineMarkdown?: boolean } = {}): TextDefect[] {
  const found: TextDefect[] = [];
  for (const m of text.matchAll(HTML_TAG)) found.push(defect(text, 'markup', m.index, m[0].length, `HTML ${m[0].slice(0, 40)}`));
  for (const m of text.matchAll(HTML_ENTITY)) found.push(defect(text, 'markup', m.index, m[0].length, `HTML entity ${m[0]}`));
  for (const m of text.matchAll(BBCODE)) found.push(defect(text, 'markup', m.index, m[0].length, `BBCode ${m[0]}`));
  if (opts.inlineMarkdown) {
    for (const m of text.matchAll(INLINE_MARKDOWN))
      found.push(defect(text, 'markup', m.index, m[0].length, `Markdown ${m[0].slice(0, 40)}`));
  }
  return found.sort((a, b) => a.offset - b.offset);
}

// ---------------------------------------------------------------------------------------------
// Control and invisible characters

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
const ZERO_WIDTH = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/gu;

function hex(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function findControlChars(text: string): TextDefect[] {
  const found: TextDefect[] = [];
  for (const m of text.matchAll(CONTROL)) found.push(defect(text, 'control', m.index, 1, `control character ${hex(m[0])}`));
  for (const m of text.matchAll(BIDI)) found.push(defect(text, 'bidi', m.index, 1, `bidirectional override ${hex(m[0])}`));
  for (const m of text.matchAll(ZERO_WIDTH)) found.push(defect(text, 'zero-width', m.index, 1, `invisible character ${hex(m[0])}`));
  return found.sort((a, b) => a.offset - b.offset);
}

/** Every defect in a text, ordered by position. */
export function findTextDefects(text: string, opts: { inlineMarkdown?: boolean } = {}): TextDefect[] {
  return [...findMojibake(text), ...findMarkup(text, opts), ...findControlChars(text)].sort((a, b) => a.offset - b.offset);
}
