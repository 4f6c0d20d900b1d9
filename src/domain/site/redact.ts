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

const PATTERNS: readonly RegExp[] = [
  // e-mail addresses
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
  // 18-digit resident ID (last character may be X), and the old 15-digit form
  /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g,
  /(?<![0-9A-Za-z])\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])/g,
  // mobile numbers, optionally with +86 and separators
  /(?<![0-9])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![0-9])/g,
  // landlines with an area code: 020-12345678, (0758)1234567, 0758 123 4567
  /(?<![0-9])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-\s])\s?\d{3,4}[-\s]?\d{4}(?:[-轉转]\d{1,5})?(?![0-9])/g,
  // 8-digit numbers labelled as a phone
  /(?<=(?:電話|电话|手機|手机|傳真|传真|Tel|TEL|tel)[:：\s]*)\d[\d\s-]{6,}\d/g,
  // the name after a contact label
  /(?<=(?:聯繫人|聯系人|联系人|聯絡人|联络人|經辦人|经办人)\s*[:：]\s*)[^\s,，。；;、:：()（）]{1,12}/g,
];

export function redactPersonalData(text: string): string {
  let out = maskKnownPersonalData(text);
  for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}
