/** Test texts for the near-duplicate checks: the characters dossiers are made of, and seeded draws of them. */
import { mulberry32 } from '../../src/domain/random';

export const VOCABULARY = [
  ...'人大代表工作機制群眾意見建議辦理監督聯絡站基層民主實踐創新推動完善制度規範服務開展組織參與決策協商公開反饋問題解決發展治理鄉鎮街道社區縣區市會議審議報告專題調研執法檢查預算財政經濟項目標準化常態化平台',
];

/**
 * Seeded text from a vocabulary of dossier characters, unrelated to every other seed's: drawn
 * with mulberry32 because an LCG's low bits repeat with a short period and would make draws alike.
 */
export function randomPractices(seed: number, length = 260): string {
  const next = mulberry32(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += VOCABULARY[next() % VOCABULARY.length];
  return out;
}
