/**
 * The registry of eligible applicant units in Guangdong: the 21 prefecture-level cities and every
 * county-level division (GB/T 2260 codes, data/units/guangdong.json), plus township-level bodies
 * under a known county (or directly under Dongguan / Zhongshan, which have no counties).
 *
 * Names are matched in Simplified script after NFC normalisation, so Traditional, Simplified and
 * mixed spellings of the same name resolve to the same unit. The data file is read once.
 */
import registryData from '../../../data/units/guangdong.json' with { type: 'json' };
import type { Level } from '../model';
import { detectScript, toHans, toHant } from '../text/script';

export type CountyKind = 'district' | 'county' | 'county-level-city' | 'autonomous-county';

export interface CountyEntry {
  code: string;
  hans: string;
  hant: string;
  kind: CountyKind;
  formerNames?: string[];
}

export interface CityEntry {
  code: string;
  hans: string;
  hant: string;
  counties: CountyEntry[];
}

/** A resolved applicant unit; `code` is the registry unit code used as `unitCode` everywhere. */
export interface ResolvedUnit {
  asWritten: string;
  /** The body's standard name in Traditional script (the province's publishing script). */
  canonicalName: string;
  city: string;
  county?: string;
  township?: string;
  level: Level;
  code: string;
}

export const UNIT_REJECTIONS = [
  'UNIT_REQUIRED',
  'UNIT_NOT_A_BODY',
  'UNIT_OTHER_PROVINCE',
  'UNIT_PROVINCIAL_BODY',
  'UNIT_CITY_LEVEL_BODY',
  'UNIT_COUNTY_NOT_IN_CITY',
  'UNIT_TOWNSHIP_WITHOUT_COUNTY',
  'UNIT_UNKNOWN',
] as const;
export type UnitRejection = (typeof UNIT_REJECTIONS)[number];

export type UnitResolution =
  | { ok: true; unit: ResolvedUnit }
  | {
      ok: false;
      reason: UnitRejection;
      /** Nearest known body names, in the script the applicant wrote in. */
      suggestions: string[];
      /** Codes of their own for bodies that are real but not eligible (`OTHER-PROVINCE:…`, `440000`, city codes). */
      code?: string;
    };

const cities: CityEntry[] = (registryData as { cities: CityEntry[] }).cities;
const province = (registryData as { province: { code: string; hans: string; hant: string } }).province;

interface CountyRef {
  city: CityEntry;
  county: CountyEntry;
}

const countiesByCode = new Map<string, CountyRef>();
const citiesByCode = new Map<string, CityEntry>();
for (const city of cities) {
  citiesByCode.set(city.code, city);
  for (const county of city.counties) countiesByCode.set(county.code, { city, county });
}

/** Cities by their Simplified names, full (`广州市`) and short (`广州`), longest first. */
const cityNames: { name: string; city: CityEntry }[] = cities
  .flatMap((city) => [
    { name: city.hans, city },
    { name: city.hans.replace(/市$/u, ''), city },
  ])
  .sort((a, b) => b.name.length - a.name.length);

/** Counties by full and former Simplified names, longest first (so 连山壮族瑶族自治县 wins over shorter names). */
const countyNames: { name: string; ref: CountyRef }[] = [...countiesByCode.values()]
  .flatMap((ref) => [ref.county.hans, ...(ref.county.formerNames ?? [])].map((name) => ({ name, ref })))
  .sort((a, b) => b.name.length - a.name.length);

const OTHER_PROVINCES = [
  '北京',
  '天津',
  '河北',
  '山西',
  '内蒙古',
  '辽宁',
  '吉林',
  '黑龙江',
  '上海',
  '江苏',
  '浙江',
  '安徽',
  '福建',
  '江西',
  '山东',
  '河南',
  '湖北',
  '湖南',
  '广西',
  '海南',
  '重庆',
  '四川',
  '贵州',
  '云南',
  '西藏',
  '陕西',
  '甘肃',
  '青海',
  '宁夏',
  '新疆',
  '台湾',
  '香港',
  '澳门',
];

/** Body suffixes (Simplified), longest first; `township` marks bodies that only exist below a county. */
const BODY_SUFFIXES: { suffix: string; body: 'standing-committee' | 'street' | 'township' | 'generic' }[] = [
  { suffix: '人民代表大会常务委员会', body: 'standing-committee' },
  { suffix: '人大常务委员会', body: 'standing-committee' },
  { suffix: '人大常委会', body: 'standing-committee' },
  { suffix: '人民代表大会主席团', body: 'township' },
  { suffix: '人大主席团', body: 'township' },
  { suffix: '人大街道工作委员会', body: 'street' },
  { suffix: '街道人大工作委员会', body: 'street' },
  { suffix: '人大工作委员会', body: 'street' },
  { suffix: '人大街道工委', body: 'street' },
  { suffix: '街道人大工委', body: 'street' },
  { suffix: '街道工委', body: 'street' },
  { suffix: '人大工委', body: 'street' },
  { suffix: '人民代表大会', body: 'generic' },
  { suffix: '人大', body: 'generic' },
];

const DIRECT_TOWNSHIP_CITIES = new Set(['441900', '442000']);

function normalizeName(s: string): string {
  return toHans(s.normalize('NFC'))
    .replace(/[\s\u00AD\u200B-\u200F\u2060\uFEFF]+/gu, '')
    .replace(/[（(][^)）]*[)）]/gu, '');
}

function render(script: 'hans' | 'hant', s: string): string {
  return script === 'hans' ? s : toHant(s);
}

function countyBodyName(ref: CountyRef, script: 'hans' | 'hant'): string {
  return script === 'hans' ? `${ref.city.hans}${ref.county.hans}人大常委会` : `${ref.city.hant}${ref.county.hant}人大常委會`;
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** Known county-level body names nearest to what was written (at most three). */
function suggest(placeHans: string, script: 'hans' | 'hant', within?: CityEntry): string[] {
  const refs = within ? within.counties.map((county) => ({ city: within, county })) : [...countiesByCode.values()];
  const scored = refs.map((ref) => {
    const full = `${ref.city.hans}${ref.county.hans}`;
    const distance = Math.min(levenshtein(placeHans, full), levenshtein(placeHans, ref.county.hans));
    // Sharing the county's distinctive characters counts as well as closeness of the whole string.
    const shared = [...ref.county.hans.replace(/(区|县|市|自治县)$/u, '')].filter((ch) => placeHans.includes(ch)).length;
    return { ref, score: distance - shared * 1.5 };
  });
  scored.sort((a, b) => a.score - b.score || a.ref.county.code.localeCompare(b.ref.county.code));
  return scored.slice(0, 3).map((s) => countyBodyName(s.ref, script));
}

/** Resolves an applicant unit as written in a dossier to a registry unit, or says why it cannot. */
export function resolveUnit(nameAsWritten: string): UnitResolution {
  const asWritten = nameAsWritten.normalize('NFC').trim();
  const script = detectScript(asWritten);
  let s = normalizeName(asWritten);
  if (!s) return { ok: false, reason: asWritten ? 'UNIT_UNKNOWN' : 'UNIT_REQUIRED', suggestions: [] };

  let namedProvince = false;
  for (const prefix of ['广东省', '广东']) {
    if (s.startsWith(prefix)) {
      s = s.slice(prefix.length);
      namedProvince = true;
      break;
    }
  }
  if (!namedProvince) {
    const other = OTHER_PROVINCES.find((p) => s.startsWith(p));
    if (other) return { ok: false, reason: 'UNIT_OTHER_PROVINCE', code: `OTHER-PROVINCE:${render('hant', other)}`, suggestions: [] };
  }

  const body = BODY_SUFFIXES.find((b) => s.endsWith(b.suffix));
  if (!body) {
    const place = s;
    return { ok: false, reason: 'UNIT_NOT_A_BODY', suggestions: suggest(place, script).slice(0, 3) };
  }
  let place = s.slice(0, -body.suffix.length);
  if (!place) {
    return namedProvince
      ? { ok: false, reason: 'UNIT_PROVINCIAL_BODY', code: province.code, suggestions: [] }
      : { ok: false, reason: 'UNIT_UNKNOWN', suggestions: suggest(s, script) };
  }

  const cityMatch = cityNames.find((c) => place.startsWith(c.name));
  const city = cityMatch?.city;
  if (cityMatch) place = place.slice(cityMatch.name.length);

  const countyMatch = countyNames.find((c) => place.startsWith(c.name));
  if (city && countyMatch && countyMatch.ref.city.code !== city.code) {
    return { ok: false, reason: 'UNIT_COUNTY_NOT_IN_CITY', suggestions: [countyBodyName(countyMatch.ref, script)] };
  }
  const ref = countyMatch?.ref;
  const rest = countyMatch ? place.slice(countyMatch.name.length) : place;

  if (!city && !ref) {
    return { ok: false, reason: 'UNIT_UNKNOWN', suggestions: suggest(place, script) };
  }

  if (!rest) {
    if (ref) {
      if (body.body === 'standing-committee' || body.body === 'generic') {
        return {
          ok: true,
          unit: {
            asWritten,
            canonicalName: countyBodyName(ref, 'hant'),
            city: ref.city.hant,
            county: ref.county.hant,
            level: 'county',
            code: ref.county.code,
          },
        };
      }
      return { ok: false, reason: 'UNIT_UNKNOWN', suggestions: [countyBodyName(ref, script)] };
    }
    // A prefecture-level city's own congress (including Dongguan's and Zhongshan's).
    return { ok: false, reason: 'UNIT_CITY_LEVEL_BODY', code: city!.code, suggestions: [] };
  }

  // Below the county: a township (镇, 乡) or street (街道) body.
  const parentCity = ref?.city ?? city!;
  if (!ref && (body.body === 'standing-committee' || /(区|县|市)/u.test(rest))) {
    // Reads as a county-level body whose county we do not know (a typo, or not in this city).
    return { ok: false, reason: 'UNIT_UNKNOWN', suggestions: suggest(rest, script, parentCity) };
  }
  if (!ref && !DIRECT_TOWNSHIP_CITIES.has(parentCity.code)) {
    return { ok: false, reason: 'UNIT_TOWNSHIP_WITHOUT_COUNTY', suggestions: suggest(rest, script, parentCity) };
  }
  if (body.body === 'standing-committee') {
    return { ok: false, reason: 'UNIT_UNKNOWN', suggestions: ref ? [countyBodyName(ref, script)] : [] };
  }
  let township = rest;
  if (!/(镇|乡|街道)$/u.test(township)) {
    if (body.body === 'street') township = `${township}街道`;
    else return { ok: false, reason: 'UNIT_UNKNOWN', suggestions: ref ? suggest(place, script, ref.city) : [] };
  }
  const bare = township.replace(/(镇|乡|街道)$/u, '');
  if (!/^\p{Script=Han}{1,10}$/u.test(bare) || /(区|县|市)$/u.test(bare)) {
    return { ok: false, reason: 'UNIT_UNKNOWN', suggestions: suggest(place, script, parentCity) };
  }
  const isStreet = township.endsWith('街道');
  const parentCode = ref?.county.code ?? parentCity.code;
  const townshipHant = toHant(township);
  return {
    ok: true,
    unit: {
      asWritten,
      canonicalName: `${parentCity.hant}${ref?.county.hant ?? ''}${townshipHant}${isStreet ? '人大工委' : '人大'}`,
      city: parentCity.hant,
      ...(ref ? { county: ref.county.hant } : {}),
      township: townshipHant,
      level: 'township',
      code: `${parentCode}-${township}`,
    },
  };
}

/** Where a unit code sits in the registry, without building names (no script conversion). */
function locate(code: string): { city: CityEntry; county?: CountyEntry; township?: string } | undefined {
  const dash = code.indexOf('-');
  if (dash !== -1) {
    const parent = code.slice(0, dash);
    const township = code.slice(dash + 1);
    if (!/^\p{Script=Han}{1,10}(镇|乡|街道)$/u.test(township)) return undefined;
    const parentCounty = countiesByCode.get(parent);
    const parentCity = parentCounty?.city ?? (DIRECT_TOWNSHIP_CITIES.has(parent) ? citiesByCode.get(parent) : undefined);
    if (!parentCity) return undefined;
    return { city: parentCity, ...(parentCounty ? { county: parentCounty.county } : {}), township };
  }
  const county = countiesByCode.get(code);
  if (county) return { city: county.city, county: county.county };
  const city = citiesByCode.get(code);
  return city ? { city } : undefined;
}

/** The registry entry for a unit code (county code, city code, or `<parent>-<township>`). */
export function getUnit(
  code: string,
): { code: string; level: Level | 'city'; name: { hans: string; hant: string }; cityCode: string; countyCode?: string } | undefined {
  const found = locate(code);
  if (!found) return undefined;
  const { city, county, township } = found;
  if (township !== undefined) {
    const hans = `${city.hans}${county?.hans ?? ''}${township}`;
    return {
      code,
      level: 'township',
      name: { hans, hant: `${city.hant}${county?.hant ?? ''}${toHant(township)}` },
      cityCode: city.code,
      ...(county ? { countyCode: county.code } : {}),
    };
  }
  if (county) {
    return {
      code,
      level: 'county',
      name: { hans: `${city.hans}${county.hans}`, hant: `${city.hant}${county.hant}` },
      cityCode: city.code,
      countyCode: code,
    };
  }
  return { code, level: 'city', name: { hans: city.hans, hant: city.hant }, cityCode: code };
}

/** The 21 prefecture-level cities with their county-level divisions. */
export function listCities(): readonly CityEntry[] {
  return cities;
}

/** The city code a unit code belongs to (for quotas and reviewer jurisdictions). */
export function cityCodeOf(unitCode: string): string | undefined {
  // Not through getUnit: that converts township names to Traditional, which would pull OpenCC's
  // dictionaries into every function that only checks quotas or jurisdictions.
  return locate(unitCode)?.city.code;
}
