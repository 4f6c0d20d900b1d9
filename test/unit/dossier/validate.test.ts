import { describe, expect, it } from '@jest/globals';
import {
  extractFigures,
  extractMeasures,
  intakeDossier,
  parseDossier,
  redactPersonalData,
  renderJson,
  renderMarkdown,
  textLength,
  validateDossier,
  type DossierContent,
} from '../../../src/domain/dossier';
import { toHans } from '../../../src/domain/text';

const PRACTICES =
  '一是建立聯絡站點。在全區各鎮街建立代表聯絡站,實行代表定期進站接待群眾制度,每月固定時間接待選民,收集意見建議並及時轉交有關部門辦理。' +
  '二是完善工作機制。制定代表聯絡站工作規則和代表履職登記辦法,明確接待、交辦、督辦、反饋各環節的責任和時限,確保群眾反映的問題件件有回音。' +
  '三是強化跟蹤督辦。常委會對群眾反映集中的問題開展專題調研和跟蹤監督,推動有關部門解決了一批群眾急難愁盼問題。';
const BASE: DossierContent = { title: '代表聯絡站建設的探索與實踐', unit: '廣州市荔灣區人大常委會', practices: PRACTICES, round: 5 };
const ROUND5 = { number: 5, eligibleLevels: ['county', 'township'] as ('county' | 'township')[], closed: false };

async function check(d: Partial<DossierContent>, ctx = {}) {
  return intakeDossier(Buffer.from(renderJson({ ...BASE, ...d })), { key: 'case.json', ctx });
}
const codes = (r: { errors: { code: string }[] }) => r.errors.map((e) => e.code);

describe('validateDossier', () => {
  it('builds the canonical dossier of a valid upload', async () => {
    const r = await check({ outcomes: '收集意見建議472件,滿意率達100%。' }, { round: ROUND5 });
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.dossier).toMatchObject({
      title: BASE.title,
      unit: { code: '440103', level: 'county', canonicalName: '廣州市荔灣區人大常委會', city: '廣州市', county: '荔灣區' },
      round: 5,
      script: 'hant',
      source: { key: 'case.json', format: 'json', charset: 'utf-8' },
      attachments: [],
    });
    expect(r.dossier!.practices.measures).toHaveLength(3);
    expect(r.dossier!.outcomes!.figures.map((f) => f.text)).toEqual(['472件', '100%']);
  });

  it('counts lengths in characters, not bytes or spaces, at the exact limits', () => {
    expect(textLength('代表 聯絡\n站')).toBe(5);
    expect(textLength('𠀀𠀁')).toBe(2);
  });

  it('enforces title 4–50 and practices 150–3000 at the boundaries', async () => {
    expect(codes(await check({ title: '聯絡站建' }))).not.toContain('TITLE_LENGTH');
    expect(codes(await check({ title: '聯絡站' }))).toContain('TITLE_LENGTH');
    expect(codes(await check({ title: '聯'.repeat(50) }))).not.toContain('TITLE_LENGTH');
    expect(codes(await check({ title: '聯'.repeat(51) }))).toContain('TITLE_LENGTH');
    expect(codes(await check({ practices: '做'.repeat(150) }))).not.toContain('PRACTICES_TOO_SHORT');
    expect(codes(await check({ practices: '做'.repeat(149) }))).toContain('PRACTICES_TOO_SHORT');
    expect(codes(await check({ practices: '做'.repeat(3001) }))).toContain('PRACTICES_TOO_LONG');
    expect(codes(await check({ outcomes: '效'.repeat(2000) }))).not.toContain('OUTCOMES_TOO_LONG');
    expect(codes(await check({ outcomes: '效'.repeat(2001) }))).toContain('OUTCOMES_TOO_LONG');
  });

  it('reports every problem at once, each with zh and en messages', async () => {
    const r = await check({ title: '<i>', unit: '湖南省長沙市岳麓區人大常委會', practices: '太短' });
    expect(codes(r)).toEqual(expect.arrayContaining(['TITLE_LENGTH', 'TEXT_MARKUP', 'UNIT_OTHER_PROVINCE', 'PRACTICES_TOO_SHORT']));
    for (const e of r.errors) expect(e.message.zh).not.toBe(e.message.en);
  });

  it('suggests the nearest units for an unknown one', async () => {
    const r = await check({ unit: '廣州市荔彎區人大常委會' });
    const e = r.errors.find((x) => x.code === 'UNIT_UNKNOWN')!;
    expect(e.message.zh).toContain('廣州市荔灣區人大常委會');
    expect(e.message.en).toContain('Did you mean: 廣州市荔灣區人大常委會');
  });

  it('locates text defects by line and column in the Markdown source', async () => {
    const md = renderMarkdown({ ...BASE, practices: `${PRACTICES}\n第二段正常。\n第三段有亂碼\uFFFD在這裡。` });
    const r = await intakeDossier(Buffer.from(md), { key: 'a.md' });
    const e = r.errors.find((x) => x.code === 'TEXT_MOJIBAKE')!;
    const lines = md.split('\n');
    expect(lines[e.at!.line! - 1]![e.at!.column! - 1]).toBe('\uFFFD');
    expect(e.at!.excerpt).toContain('亂碼');
  });

  it('treats zero-width characters as errors in names and warnings in long text', async () => {
    expect(codes(await check({ unit: '廣州市荔灣區\u200B人大常委會' }))).toContain('TEXT_ZERO_WIDTH');
    const body = await check({ practices: `${PRACTICES}\u200B` });
    expect(body.valid).toBe(true);
    expect(body.warnings.map((w) => w.code)).toContain('TEXT_ZERO_WIDTH');
  });

  it('warns about personal data in public text and masks it on request', async () => {
    const r = await check({ practices: `${PRACTICES}聯繫人手機13912345678,身份證440103199001011236。` });
    expect(r.valid).toBe(true);
    const personal = r.warnings.filter((w) => w.code === 'PERSONAL_DATA');
    expect(personal.map((w) => w.at?.excerpt)).toEqual(['139****5678', '4401**********1236']);
    expect(redactPersonalData('電話 139-1234-5678,證號 440103199001015675,編號 440103199001015670')).toBe(
      '電話 139****5678,證號 4401**********5675,編號 440103199001015670',
    );
  });

  it('warns about near duplicates of other dossiers, across Simplified and Traditional script', async () => {
    const others = [
      { caseId: 'c-old', roundNumber: 4, title: '另一個題目', practicesText: toHans(PRACTICES) },
      {
        caseId: 'c-far',
        roundNumber: 5,
        title: '完全不同',
        practicesText: '開展“禾坪說事”活動,把村民家的禾坪打造為問計群眾的平臺。'.repeat(4),
      },
    ];
    const r = await check({}, { others });
    const dup = r.warnings.filter((w) => w.code === 'DUPLICATE_NEAR');
    expect(dup).toHaveLength(1);
    expect(dup[0]!.message.zh).toContain('c-old');
    expect(dup[0]!.message.en).toContain('round 4');
  });

  it('applies the round rules: closed, level, declared round, expected unit', async () => {
    expect(codes(await check({}, { round: { ...ROUND5, closed: true } }))).toEqual(['ROUND_CLOSED']);
    expect(codes(await check({ unit: '河源市紫金縣鳳安鎮人大' }, { round: { ...ROUND5, eligibleLevels: ['county'] } }))).toEqual([
      'UNIT_LEVEL_NOT_ELIGIBLE',
    ]);
    expect(codes(await check({ round: 4 }, { round: ROUND5 }))).toEqual(['ROUND_MISMATCH']);
    expect(codes(await check({}, { expectedUnitCode: '441621-凤安镇' }))).toEqual(['UNIT_MISMATCH']);
    expect((await check({ unit: '河源市紫金縣鳳安鎮人大' }, { expectedUnitCode: '441621-凤安镇' })).valid).toBe(true);
  });

  it('checks contact details but keeps them out of the public fields', async () => {
    const r = await check({ contact: { name: '張三', phone: '12345', email: 'not-an-email' } });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['CONTACT_PHONE_INVALID', 'CONTACT_EMAIL_INVALID']));
    const ok = await check({ contact: { phone: '020-81234567', email: 'a@b.cn' } });
    expect(ok.warnings.map((w) => w.code)).not.toContain('CONTACT_PHONE_INVALID');
  });

  it('detects the script of a Simplified dossier', async () => {
    const r = await check({ title: toHans(BASE.title), unit: toHans(BASE.unit), practices: toHans(PRACTICES) });
    expect(r.dossier!.script).toBe('hans');
    expect(r.dossier!.unit.code).toBe('440103');
  });

  it('validates a parse result that went through JSON (as between the Lambdas)', async () => {
    const parsed = await parseDossier(Buffer.from(renderMarkdown(BASE)), { key: 'a.md' });
    const report = validateDossier(JSON.parse(JSON.stringify(parsed)), { round: ROUND5 });
    expect(report.valid).toBe(true);
  });

  it('returns parse errors without a dossier when nothing could be read', () => {
    const report = validateDossier(
      {
        ok: false,
        errors: [{ code: 'FILE_EMPTY', field: 'file', message: { zh: '空', en: 'empty' } }],
        warnings: [],
        draft: null,
        source: { key: 'k', sha256: '', bytes: 0, format: null, detectedType: 'unknown', charset: null },
      },
      {},
    );
    expect(report).toEqual({ valid: false, errors: [expect.objectContaining({ code: 'FILE_EMPTY' })], warnings: [], dossier: null });
  });
});

describe('extraction', () => {
  it('splits measures in 一是/二是, (一)(二) and 1. 2. styles', () => {
    expect(extractMeasures('前言。一是甲做法。二是乙做法。三是丙做法。')).toEqual(['甲做法。', '乙做法。', '丙做法。']);
    expect(extractMeasures('(一)建站。(二)建制。')).toEqual(['建站。', '建制。']);
    expect(extractMeasures('1. 建站\n2. 建制\n3. 督辦')).toEqual(['建站', '建制', '督辦']);
    expect(extractMeasures('沒有分點的一段話。')).toEqual([]);
  });

  it('finds figures with their unit, value and clause', () => {
    const figures = extractFigures('平均每期觀眾10萬人。收集問題472件,問題解決率達70%以上;投入150多萬元專項經費。');
    expect(figures.map((f) => [f.text, f.value, f.unit])).toEqual([
      ['10萬人', 100000, '人'],
      ['472件', 472, '件'],
      ['70%以上', 70, '%'],
      ['150多萬元', 150, '萬元'],
    ]);
    expect(figures[2]!.context).toBe('收集問題472件,問題解決率達70%以上');
  });
});
