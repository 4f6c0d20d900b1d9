/**
 * Decoding uploaded text whatever charset the applicant's editor used: UTF-8 (with or without
 * BOM), UTF-16 with BOM (Windows Notepad's "Unicode"), GB18030/GBK (Simplified Windows) and Big5
 * (Traditional Windows). The result is NFC-normalised.
 */
import { toHans } from '../text/script';
import { commonJsExports } from './commonjs';

/**
 * iconv-lite and chardet (with their code tables, a large share of the parser's bundle) are only
 * needed for UTF-16 and the legacy Chinese charsets, so they are loaded on the first such upload.
 */
interface LegacyDecoders {
  decode(buf: Buffer, charset: string): string;
  detect(buf: Buffer): string | null;
}

let legacyDecoders: Promise<LegacyDecoders> | undefined;

function loadLegacyDecoders(): Promise<LegacyDecoders> {
  legacyDecoders ??= Promise.all([import('iconv-lite'), import('chardet')]).then(
    ([iconvModule, chardetModule]) => {
      const iconv = commonJsExports(iconvModule);
      const chardet = commonJsExports(chardetModule);
      return { decode: (buf, charset) => iconv.decode(buf, charset), detect: (buf) => chardet.detect(buf) };
    },
    (error: unknown) => {
      legacyDecoders = undefined;
      throw error;
    },
  );
  return legacyDecoders;
}

export interface DecodedText {
  text: string;
  /** The charset the bytes were decoded from, lower-case IANA-style (`utf-8`, `gb18030`, `big5`, `utf-16le`). */
  charset: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The 3,755 most frequent Chinese characters (GB2312 level 1, bytes B0A1–D7F9). Real text is
 * overwhelmingly made of them; bytes decoded with the wrong charset, or noise, are not.
 */
let commonHan: Set<string> | undefined;

function commonHanSet(decoders: LegacyDecoders): Set<string> {
  if (commonHan) return commonHan;
  const set = new Set<string>();
  for (let lead = 0xb0; lead <= 0xd7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) set.add(decoders.decode(Buffer.from([lead, trail]), 'gbk'));
  }
  commonHan = set;
  return set;
}

/** Share of Han characters (compared in Simplified script) that are common ones; 1 when there are few. */
function commonHanShare(text: string, decoders: LegacyDecoders): number {
  const COMMON_HAN = commonHanSet(decoders);
  let han = 0;
  let common = 0;
  for (const ch of toHans(text)) {
    if (/\p{Script=Han}/u.test(ch)) {
      han++;
      if (COMMON_HAN.has(ch)) common++;
    }
  }
  return han < 10 ? 1 : common / han;
}

/** Share of decoded characters that are plausible in a Chinese dossier (Han, CJK punctuation, ASCII text). */
function plausibility(text: string): number {
  if (!text) return 0;
  let good = 0;
  let total = 0;
  for (const ch of text) {
    total++;
    const cp = ch.codePointAt(0)!;
    if (
      (cp >= 0x20 && cp < 0x7f) ||
      cp === 0x0a ||
      cp === 0x0d ||
      cp === 0x09 ||
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0x3000 && cp <= 0x303f) ||
      (cp >= 0xff00 && cp <= 0xffef) ||
      (cp >= 0x2010 && cp <= 0x2027)
    ) {
      good++;
    }
  }
  return good / total;
}

function looksLikeUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros / pairs > 0.3 && evenZeros / pairs < 0.05) return 'utf-16le';
  if (evenZeros / pairs > 0.3 && oddZeros / pairs < 0.05) return 'utf-16be';
  return null;
}

/** Decodes text bytes, or returns null when no supported charset reads them cleanly. */
export async function decodeText(bytes: Uint8Array): Promise<DecodedText | null> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    try {
      return { text: strictUtf8.decode(buf.subarray(3)).normalize('NFC'), charset: 'utf-8' };
    } catch {
      return null;
    }
  }
  if (buf[0] === 0xff && buf[1] === 0xfe)
    return { text: (await loadLegacyDecoders()).decode(buf.subarray(2), 'utf-16le').normalize('NFC'), charset: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff)
    return { text: (await loadLegacyDecoders()).decode(buf.subarray(2), 'utf-16be').normalize('NFC'), charset: 'utf-16be' };
  try {
    return { text: strictUtf8.decode(buf).normalize('NFC'), charset: 'utf-8' };
  } catch {
    // not UTF-8: fall through to the legacy Chinese charsets
  }
  const decoders = await loadLegacyDecoders();
  const utf16 = looksLikeUtf16(buf);
  if (utf16) return { text: decoders.decode(buf, utf16).normalize('NFC'), charset: utf16 };

  // GB18030 and Big5 both decode most byte strings without error, so judge the candidates by
  // what they produce; chardet's statistical guess breaks ties.
  const guess = (decoders.detect(buf) ?? '').toLowerCase();
  const candidates = ['gb18030', 'big5'].map((charset) => {
    const text = decoders.decode(buf, charset);
    const replacement = (text.match(/\uFFFD/g) ?? []).length;
    return {
      charset,
      text,
      score: plausibility(text) - replacement / Math.max(1, text.length) + (guess.includes(charset.slice(0, 3)) ? 0.02 : 0),
    };
  });
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0]!;
  if (best.score < 0.6 || commonHanShare(best.text, decoders) < 0.5) return null;
  return { text: best.text.normalize('NFC'), charset: best.charset };
}
