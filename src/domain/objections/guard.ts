/**
 * The public objection route's guard, as pure rules: how objection text is normalised to find
 * exact repeats, what content is refused outright, and the per-source limit (a sliding-window
 * estimate over two fixed windows, so one counter item per source and window is enough).
 *
 * The use case (src/usecases/api/objection-guard.ts) keeps the counters in the table; nothing
 * here touches storage, the clock or the network.
 */
import type { Bilingual } from '../model';

/** Limits of the public write path. A person objects once or twice; a shared NAT a few times. */
export const OBJECTION_LIMITS = {
  /** Objections (filed, repeated or refused) one source may post to one round per window. */
  perSourceMax: 6,
  /** The window of that count, seconds. */
  windowSeconds: 3600,
  /** Raw request body, bytes: the largest valid objection is ~5,000 CJK characters (15 KB of UTF-8) plus a contact. */
  maxBodyBytes: 32 * 1024,
  /** Links in one objection: a reasoned objection cites a source or two, spam lists many. */
  maxLinks: 3,
  /** Longest run of one character (after normalisation). */
  maxRun: 20,
  /** Letters or CJK characters a text needs after normalisation. */
  minWordChars: 6,
} as const;

/**
 * The text an exact-repeat check compares: Unicode NFKC (full-width and half-width forms fold
 * together), lower case, every run of white space as one space, trimmed, and zero-width
 * characters removed. Punctuation and wording stay: only the same text counts as a repeat.
 */
export function normaliseObjectionText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

export type ContentProblem = 'CONTROL_CHARACTERS' | 'TOO_MANY_LINKS' | 'REPEATED_CHARACTERS' | 'NO_WORDS';

export interface ContentRefusal {
  code: `OBJECTION_${ContentProblem}`;
  message: Bilingual;
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const LINK = /(?:https?:\/\/|www\.)\S+/giu;
const WORD_CHAR = /[\p{L}\p{N}]/gu;

/** Why an objection's text is refused (422), or undefined when it may be filed. */
export function contentRefusal(text: string, limits = OBJECTION_LIMITS): ContentRefusal | undefined {
  if (CONTROL.test(text)) {
    return {
      code: 'OBJECTION_CONTROL_CHARACTERS',
      message: {
        zh: '異議內容含有不可見的控制字元，請以一般文字重新填寫。',
        en: 'The objection contains control characters; write it as plain text.',
      },
    };
  }
  const normalised = normaliseObjectionText(text);
  const links = normalised.match(LINK)?.length ?? 0;
  if (links > limits.maxLinks) {
    return {
      code: 'OBJECTION_TOO_MANY_LINKS',
      message: {
        zh: `異議內容最多可附 ${limits.maxLinks} 個網址（現有 ${links} 個），請說明理由並只附必要的出處。`,
        en: `An objection may cite at most ${limits.maxLinks} links (this one has ${links}); give the reasons and only the sources needed.`,
      },
    };
  }
  if (longestRun(normalised) > limits.maxRun) {
    return {
      code: 'OBJECTION_REPEATED_CHARACTERS',
      message: {
        zh: `異議內容有同一字元連續重複超過 ${limits.maxRun} 次，請以文字說明理由。`,
        en: `The objection repeats one character more than ${limits.maxRun} times in a row; state the reasons in words.`,
      },
    };
  }
  const words = normalised.replace(LINK, '').match(WORD_CHAR)?.length ?? 0;
  if (words < limits.minWordChars) {
    return {
      code: 'OBJECTION_NO_WORDS',
      message: {
        zh: `異議內容需要至少 ${limits.minWordChars} 個文字說明理由。`,
        en: `The objection needs at least ${limits.minWordChars} letters or characters of reasons.`,
      },
    };
  }
  return undefined;
}

/** The longest run of one code point in `text`. */
export function longestRun(text: string): number {
  let best = 0;
  let run = 0;
  let last: string | undefined;
  for (const ch of text) {
    run = ch === last ? run + 1 : 1;
    last = ch;
    if (run > best) best = run;
  }
  return best;
}

/** The fixed window `nowMs` falls in, and how far into it (0 ≤ elapsed < 1). */
export function windowOf(nowMs: number, windowSeconds: number): { start: number; previous: number; elapsed: number; expiresAt: number } {
  const size = windowSeconds * 1000;
  const start = Math.floor(nowMs / size) * size;
  return {
    start: start / 1000,
    previous: (start - size) / 1000,
    elapsed: (nowMs - start) / size,
    // a window's counter is read while it is current and while it is the previous one
    expiresAt: (start + 2 * size) / 1000,
  };
}

/**
 * The sliding-window estimate of the posts in the last window: all of the current window's
 * (this post included) plus the previous window's share that still overlaps it.
 */
export function slidingCount(previous: number, current: number, elapsed: number): number {
  const overlap = Math.min(1, Math.max(0, 1 - elapsed));
  return current + previous * overlap;
}

/** Whether a post may go on, given the counts with this post included in `current`. */
export function withinSourceLimit(
  previous: number,
  current: number,
  elapsed: number,
  max: number = OBJECTION_LIMITS.perSourceMax,
): boolean {
  return slidingCount(previous, current, elapsed) <= max;
}

/** Seconds until the estimate falls back to the limit (for Retry-After), at least 1. */
export function retryAfterSeconds(
  previous: number,
  current: number,
  elapsed: number,
  windowSeconds: number,
  max: number = OBJECTION_LIMITS.perSourceMax,
): number {
  // the current window's posts alone over the limit: they leave the estimate only as the window turns over and decays
  if (current > max) return Math.max(1, Math.ceil((1 - elapsed) * windowSeconds + windowSeconds * Math.min(1, (current - max) / current)));
  // otherwise the previous window's share decays linearly: solve current + previous·(1−e) ≤ max for e
  const needed = previous > 0 ? 1 - (max - current) / previous : elapsed;
  return Math.max(1, Math.ceil((Math.min(1, needed) - elapsed) * windowSeconds));
}

export const sourceLimited = (retryAfter: number, limits = OBJECTION_LIMITS): { code: 'OBJECTION_RATE_LIMITED'; message: Bilingual } => ({
  code: 'OBJECTION_RATE_LIMITED',
  message: {
    zh: `同一來源提出異議過於頻繁（每小時最多 ${limits.perSourceMax} 次），請於約 ${Math.ceil(retryAfter / 60)} 分鐘後再試。已提出的異議不會遺失。`,
    en: `Too many objections from the same source (at most ${limits.perSourceMax} an hour); try again in about ${Math.ceil(retryAfter / 60)} minute(s). Objections already filed are kept.`,
  },
});
