/**
 * Personal data in text meant for the public: mainland mobile numbers and resident ID numbers.
 * Found for a warning at intake, masked wherever the text is later shown publicly.
 */
export interface PersonalDataHit {
  kind: 'mobile' | 'id-card';
  offset: number;
  value: string;
  masked: string;
}

const MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/gu;
const ID_CARD = /(?<![\dA-Za-z])([1-9]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})([\dXx])(?![\dA-Za-z])/gu;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

function validIdChecksum(id: string): boolean {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === id[17]!.toUpperCase();
}

export function findPersonalData(text: string): PersonalDataHit[] {
  const hits: PersonalDataHit[] = [];
  for (const m of text.matchAll(ID_CARD)) {
    const id = m[0];
    if (!validIdChecksum(id)) continue;
    hits.push({ kind: 'id-card', offset: m.index, value: id, masked: `${id.slice(0, 4)}**********${id.slice(-4)}` });
  }
  for (const m of text.matchAll(MOBILE)) {
    if (hits.some((h) => m.index >= h.offset && m.index < h.offset + h.value.length)) continue;
    hits.push({ kind: 'mobile', offset: m.index, value: m[0], masked: `${m[1]}****${m[3]}` });
  }
  return hits.sort((a, b) => a.offset - b.offset);
}

/** The text with every mobile number and ID number masked (for anything published). */
export function redactPersonalData(text: string): string {
  let out = '';
  let last = 0;
  for (const hit of findPersonalData(text)) {
    out += text.slice(last, hit.offset) + hit.masked;
    last = hit.offset + hit.value.length;
  }
  return out + text.slice(last);
}
