import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { importAnnouncement } from '../../../src/domain/announcement';
import { resolveUnit } from '../../../src/domain/units';
import { SEED_PATH } from '../../support/seed';

const seed = readFileSync(SEED_PATH, 'utf8');

const EXPECTED: [string, string][] = [
  ['探索建立“重大司法等事項”報告工作機制', '廣州市荔灣區人大常委會'],
  ['“向人民匯報全過程人民民主的實踐”直播活動', '深圳市羅湖區人大常委會'],
  ['踐行全過程人民民主 打造一體化代表聯絡站', '珠海市香洲區人大常委會'],
  ['創新舉措促“四全” 推動“雙聯系”走深走實', '汕頭市潮南區人大常委會'],
  ['創新實施工作新機制 實現代表建議全過程閉環辦理', '佛山市高明區人大常委會'],
  ['開展“禾坪說事”活動的做法和成效', '河源市紫金縣鳳安鎮人大'],
  ['強化“3+3”工作舉措 力促代表述職實現“三化”', '梅州市興寧市人大常委會'],
  ['推行聽民意解民憂“三三制” 不斷發展全過程人民民主', '惠州市惠城區江南人大街道工委'],
  ['“規范+”為鎮街人大工作“賦能”提質', '江門市臺山市人大常委會'],
  ['代表專業化  履職“直通車”', '湛江市廉江市人大常委會'],
  ['“一二三四”工作法為地方立法出“金點子”', '清遠市清新區太平鎮人大'],
  ['以“1+24+N”推進代表聯絡站標準化、規范化、常態化建設', '云浮市羅定市羅平鎮人大'],
];

describe('importAnnouncement on the round-5 result page', () => {
  const result = importAnnouncement(seed);

  it('reads the round number, title and theme', () => {
    expect(result.round).toEqual({
      number: 5,
      title: '第五屆廣東省縣鄉人大工作創新案例評選結果揭曉',
      theme: '發展和完善全過程人民民主的基層實踐',
    });
  });

  it('finds the 12 cases with the titles and units printed on the page, in order', () => {
    expect(result.cases.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.cases.map((c) => [c.title, c.unit])).toEqual(EXPECTED);
    for (const c of result.cases) {
      expect(c.practices.length).toBeGreaterThan(300);
      expect(c.reason.length).toBeGreaterThan(30);
      expect(c.practices).not.toMatch(/入選理由|申報單位/);
      expect(resolveUnit(c.unit).ok).toBe(true);
    }
    expect(result.cases[0]!.practices.startsWith('針對人大監督工作中存在')).toBe(true);
    expect(result.cases[11]!.reason).toBe('通過抓實“三化”建設,實現代表進站接待服務選民活動數量與質量的“雙提升”。');
  });

  it('flags the mojibake where it is, and keeps the text as published', () => {
    const mojibake = result.defects.filter((d) => d.kind === 'mojibake');
    expect(mojibake.map((d) => d.line)).toEqual([28, 44, 60, 100, 100]);
    expect(mojibake[0]!.excerpt).toContain('精心選題?!跋蛉嗣駞R報');
    const lines = seed.split('\n');
    for (const d of mojibake) expect([...lines[d.line - 1]!].slice(d.column - 1, d.column + 1).join('')).toMatch(/^\?[!;]/);
    expect(result.cases[1]!.practices).toContain('?!跋蛉嗣駞R報');
  });

  it('reports the junk markup at the top of the page instead of hiding it', () => {
    const markup = result.defects.filter((d) => d.kind === 'markup');
    expect(markup.length).toBeGreaterThanOrEqual(4);
    expect(new Set(markup.map((d) => d.line))).toEqual(new Set([1, 2, 3, 4]));
    expect(markup.some((d) => d.excerpt.includes('<video'))).toBe(true);
  });

  it('copes with an empty or unrelated page', () => {
    expect(importAnnouncement('')).toEqual({ round: { number: null, title: null, theme: null }, cases: [], defects: [] });
    const partial = importAnnouncement('項目一:只有標題\n');
    expect(partial.cases).toHaveLength(1);
    expect(partial.defects.filter((d) => d.kind === 'missing-field')).toHaveLength(3);
  });
});
