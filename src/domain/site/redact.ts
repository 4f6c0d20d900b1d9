/**
 * Personal data that must never reach a public page: phone numbers, mainland ID numbers, e-mail
 * addresses and the name after a "contact person" label.
 *
 * Dossiers are written for the office and often end with a contact block; the announcement is
 * public. The intake domain's `redactPersonalData` masks what intake also warns about (mobiles,
 * checksum-valid ID numbers) the same way everywhere; the site then removes what a public page
 * must not carry either: landlines, e-mail, contact names, and ID-shaped numbers whose checksum
 * is wrong (a typo in an ID number is still someone's ID number).
 */
// The module itself, not the dossier index, which would pull the parsers into the publisher bundle.
import { redactPersonalData as maskKnownPersonalData } from '../dossier/personal';

export const REDACTED = '〔已隱去〕';

/**
 * Each pattern runs only when the text holds what any match of it must contain: nearly every
 * text on a page (titles, unit names, most reasons) holds none of it, and looking for it once
 * is much cheaper than running the patterns, several of which look behind at every position.
 * Redacting never adds any of it (the replacement and the masks hold no label, no @ and fewer
 * digits than they replace), so what the original text lacks, every intermediate text lacks too:
 * a pattern is only skipped where it could not have matched, and the result is the same text.
 */
interface Needs {
  /** At least 10 ASCII digits: any number pattern's match has that many (a landline: 3 + 3 + 4). */
  number: boolean;
  at: boolean;
  phoneLabel: boolean;
  contactLabel: boolean;
}

// Anchored, so a text without ten digits is read once; \D and \d cannot overlap, so no backtracking blow-up.
const TEN_DIGITS = /^(?:\D*\d){10}/;
const PHONE_LABEL = /電話|电话|手機|手机|傳真|传真|Tel|TEL|tel/;
const CONTACT_LABEL = /聯繫人|聯系人|联系人|聯絡人|联络人|經辦人|经办人/;

interface Rule {
  pattern: RegExp;
  needs: keyof Needs;
}

const RULES: readonly Rule[] = [
  // e-mail addresses
  { pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, needs: 'at' },
  // 18-digit resident ID (last character may be X), and the old 15-digit form
  { pattern: /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g, needs: 'number' },
  { pattern: /(?<![0-9A-Za-z])\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])/g, needs: 'number' },
  // mobile numbers, optionally with +86 and separators
  { pattern: /(?<![0-9])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![0-9])/g, needs: 'number' },
  // landlines with an area code: 020-12345678, (0758)1234567, 0758 123 4567
  { pattern: /(?<![0-9])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-\s])\s?\d{3,4}[-\s]?\d{4}(?:[-轉转]\d{1,5})?(?![0-9])/g, needs: 'number' },
  // 8-digit numbers labelled as a phone
  { pattern: /(?<=(?:電話|电话|手機|手机|傳真|传真|Tel|TEL|tel)[:：\s]*)\d[\d\s-]{6,}\d/g, needs: 'phoneLabel' },
  // the name after a contact label
  { pattern: /(?<=(?:聯繫人|聯系人|联系人|聯絡人|联络人|經辦人|经办人)\s*[:：]\s*)[^\s,，。；;、:：()（）]{1,12}/g, needs: 'contactLabel' },
];

export function redactPersonalData(text: string): string {
  const needs: Needs = {
    number: TEN_DIGITS.test(text),
    at: text.includes('@'),
    phoneLabel: PHONE_LABEL.test(text),
    contactLabel: CONTACT_LABEL.test(text),
  };
  // the intake masks find mobile numbers (11 digits) and ID numbers (17 digits and a check character)
  let out = needs.number ? maskKnownPersonalData(text) : text;
  for (const { pattern, needs: need } of RULES) if (needs[need]) out = out.replace(pattern, REDACTED);
  return out;
}

/** Every pattern on every text, with no checks first: the definition the checks must keep. */
export function redactPersonalDataUnchecked(text: string): string {
  let out = maskKnownPersonalData(text);
  for (const { pattern } of RULES) out = out.replace(pattern, REDACTED);
  return out;
}
