import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import { detectScript, findControlChars, findMarkup, findMojibake, toHans, toHant } from '../../../src/domain/text';

const CLEAN =
  '根據常委會工作安排,省人大常委會辦公廳以“發展和完善全過程人民民主的基層實踐”為主題,開展了第五屆全省縣鄉人大工作創新案例征集工作。平均每期觀眾10萬人,滿意率達100%。';

describe('script conversion', () => {
  it('converts both ways and detects the script', () => {
    expect(toHans('江門市臺山市人大常委會')).toBe('江门市台山市人大常委会');
    expect(toHant('广州市荔湾区人大常委会')).toBe('廣州市荔灣區人大常委會');
    expect(detectScript('向人民汇报')).toBe('hans');
    expect(detectScript('向人民匯報')).toBe('hant');
    expect(detectScript('人民')).toBe('hant');
  });
});

describe('defect detectors', () => {
  it('find nothing in clean Traditional or Simplified text', () => {
    expect(findMojibake(CLEAN)).toEqual([]);
    expect(findMojibake(toHans(CLEAN))).toEqual([]);
    expect(findMarkup(CLEAN)).toEqual([]);
    expect(findControlChars(CLEAN)).toEqual([]);
  });

  it('find the three kinds of mojibake with positions', () => {
    const gbk = iconv.decode(Buffer.from('代表联络站建设', 'utf8'), 'gbk');
    const latin1 = Buffer.from('代表聯絡站', 'utf8').toString('latin1');
    expect(findMojibake(`正常文字\n${gbk}`)[0]).toMatchObject({ line: 2, column: 1, detail: 'UTF-8 bytes read as GBK' });
    expect(findMojibake(`abc ${latin1}`)[0]).toMatchObject({ line: 1, column: 5, detail: 'UTF-8 bytes read as Latin-1/Windows-1252' });
    expect(findMojibake('一是精心選題?!跋蛉嗣駞R報”')[0]).toMatchObject({ column: 7, detail: 'GBK text shifted by a byte' });
    expect(findMojibake('中?文')[0]).toMatchObject({ column: 2 });
    expect(findMojibake('亂\uFFFD碼')[0]).toMatchObject({ column: 2 });
  });

  it('find markup, with inline Markdown only where asked', () => {
    expect(findMarkup('<span id="x">標題</span>').map((d) => d.column)).toEqual([1, 16]);
    expect(findMarkup('甲&nbsp;乙')[0]).toMatchObject({ column: 2 });
    expect(findMarkup('**重點**標題')).toEqual([]);
    expect(findMarkup('**重點**標題', { inlineMarkdown: true })).toHaveLength(1);
  });

  it('classify control, bidi and zero-width characters', () => {
    expect(findControlChars('a\u0000b\u202Ec\u200Bd\u0085').map((d) => d.kind)).toEqual(['control', 'bidi', 'zero-width', 'control']);
    expect(findControlChars('a\tb\nc')).toEqual([]);
  });
});
