import { describe, expect, it } from '@jest/globals';
import { getUnit, listCities, resolveUnit } from '../../../src/domain/units';

/** The 12 applicant units of the round-5 result page, with their registry codes. */
const SEED_UNITS: [string, string, 'county' | 'township'][] = [
  ['廣州市荔灣區人大常委會', '440103', 'county'],
  ['深圳市羅湖區人大常委會', '440303', 'county'],
  ['珠海市香洲區人大常委會', '440402', 'county'],
  ['汕頭市潮南區人大常委會', '440514', 'county'],
  ['佛山市高明區人大常委會', '440608', 'county'],
  ['河源市紫金縣鳳安鎮人大', '441621-凤安镇', 'township'],
  ['梅州市興寧市人大常委會', '441481', 'county'],
  ['惠州市惠城區江南人大街道工委', '441302-江南街道', 'township'],
  ['江門市臺山市人大常委會', '440781', 'county'],
  ['湛江市廉江市人大常委會', '440881', 'county'],
  ['清遠市清新區太平鎮人大', '441803-太平镇', 'township'],
  ['云浮市羅定市羅平鎮人大', '445381-罗平镇', 'township'],
];

function resolvedCode(name: string): string {
  const r = resolveUnit(name);
  if (!r.ok) throw new Error(`${name} rejected: ${r.reason}`);
  return r.unit.code;
}

describe('units registry data', () => {
  it('lists the 21 prefecture-level cities and 122 county-level divisions with consistent GB/T 2260 codes', () => {
    const cities = listCities();
    expect(cities).toHaveLength(21);
    const counties = cities.flatMap((c) => c.counties);
    expect(counties).toHaveLength(122);
    const codes = [...cities.map((c) => c.code), ...counties.map((c) => c.code)];
    expect(new Set(codes).size).toBe(codes.length);
    for (const city of cities) {
      expect(city.code).toMatch(/^44\d{2}00$/);
      for (const county of city.counties) expect(county.code.slice(0, 4)).toBe(city.code.slice(0, 4));
    }
    expect(
      cities
        .filter((c) => c.counties.length === 0)
        .map((c) => c.hans)
        .sort(),
    ).toEqual(['东莞市', '中山市'].sort());
  });
});

describe('resolveUnit', () => {
  it.each(SEED_UNITS)('resolves the seed unit %s to %s', (name, code, level) => {
    const r = resolveUnit(name);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.unit.code).toBe(code);
      expect(r.unit.level).toBe(level);
      expect(r.unit.asWritten).toBe(name);
    }
  });

  it('matches Simplified, Traditional and mixed spellings of the same unit', () => {
    expect(resolvedCode('江门市台山市人大常委会')).toBe('440781');
    expect(resolvedCode('江門市台山市人大常委会')).toBe('440781');
    expect(resolvedCode('河源市紫金县凤安镇人大')).toBe('441621-凤安镇');
    expect(resolvedCode('雲浮市羅定市羅平鎮人大')).toBe('445381-罗平镇');
    expect(resolvedCode('惠州市惠城区江南街道人大工委')).toBe('441302-江南街道');
  });

  it('accepts the long official form, a missing city prefix, the province prefix and former county names', () => {
    expect(resolvedCode('廣州市荔灣區人民代表大會常務委員會')).toBe('440103');
    expect(resolvedCode('荔灣區人大常委會')).toBe('440103');
    expect(resolvedCode('廣東省湛江市廉江市人大常委會')).toBe('440881');
    expect(resolvedCode('梅州市梅縣人大常委會')).toBe('441403');
    expect(resolvedCode('清遠市連山壯族瑤族自治縣人大常委會')).toBe('441825');
  });

  it('accepts township bodies directly under Dongguan and Zhongshan, with the city code', () => {
    expect(resolvedCode('東莞市虎門鎮人大')).toBe('441900-虎门镇');
    expect(resolvedCode('中山市小欖鎮人大')).toBe('442000-小榄镇');
  });

  it('gives bodies of other provinces, the province and prefecture-level cities their own codes', () => {
    expect(resolveUnit('湖南省長沙市岳麓區人大常委會')).toMatchObject({
      ok: false,
      reason: 'UNIT_OTHER_PROVINCE',
      code: 'OTHER-PROVINCE:湖南',
    });
    expect(resolveUnit('廣東省人大常委會')).toMatchObject({ ok: false, reason: 'UNIT_PROVINCIAL_BODY', code: '440000' });
    expect(resolveUnit('廣州市人大常委會')).toMatchObject({ ok: false, reason: 'UNIT_CITY_LEVEL_BODY', code: '440100' });
    expect(resolveUnit('東莞市人大常委會')).toMatchObject({ ok: false, reason: 'UNIT_CITY_LEVEL_BODY', code: '441900' });
  });

  it('suggests the nearest known names for an unknown unit, in the script it was written in', () => {
    const hant = resolveUnit('廣州市荔彎區人大常委會');
    expect(hant).toMatchObject({ ok: false, reason: 'UNIT_UNKNOWN' });
    if (!hant.ok) expect(hant.suggestions[0]).toBe('廣州市荔灣區人大常委會');
    const hans = resolveUnit('广州市荔弯区人大常委会');
    if (!hans.ok) expect(hans.suggestions[0]).toBe('广州市荔湾区人大常委会');
  });

  it('rejects a county under the wrong city, a township without its county and a place that is not a body', () => {
    expect(resolveUnit('深圳市荔灣區人大常委會')).toMatchObject({
      ok: false,
      reason: 'UNIT_COUNTY_NOT_IN_CITY',
      suggestions: ['廣州市荔灣區人大常委會'],
    });
    expect(resolveUnit('河源市鳳安鎮人大')).toMatchObject({ ok: false, reason: 'UNIT_TOWNSHIP_WITHOUT_COUNTY' });
    expect(resolveUnit('廣州市荔灣區')).toMatchObject({ ok: false, reason: 'UNIT_NOT_A_BODY' });
    expect(resolveUnit('   ')).toMatchObject({ ok: false, reason: 'UNIT_REQUIRED' });
  });
});

describe('getUnit', () => {
  it('looks up county, city and township codes', () => {
    expect(getUnit('440781')).toMatchObject({ level: 'county', cityCode: '440700', name: { hant: '江門市臺山市' } });
    expect(getUnit('441900')).toMatchObject({ level: 'city', cityCode: '441900' });
    expect(getUnit('441621-凤安镇')).toMatchObject({ level: 'township', cityCode: '441600', countyCode: '441621' });
    expect(getUnit('441900-虎门镇')).toMatchObject({ level: 'township', cityCode: '441900' });
    expect(getUnit('440100-沙面街道')).toBeUndefined();
    expect(getUnit('999999')).toBeUndefined();
  });
});
