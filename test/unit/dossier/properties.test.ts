import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { intakeDossier, parseDossier, renderDocx, renderJson, renderMarkdown, type DossierContent } from '../../../src/domain/dossier';

/** Characters applicants write: common Han, full-width punctuation, digits, Latin letters and quotes. */
const CHARS = [...'人大代表聯絡站建設工作機制群眾意見辦理监督联络站鎮街區縣市一二三四五六七八九十的和在了是為为年月日'];
const PUNCT = [...',。、;:“”「」()!?%+'];
const charArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CHARS) },
  { weight: 1, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 1, arbitrary: fc.constantFrom(...'0123456789AZaz') },
);
const line = (min: number, max: number) =>
  fc
    .array(charArb, { minLength: min, maxLength: max })
    .map((cs) => cs.join(''))
    // text starting or ending with punctuation is fine, but a leading list marker changes paragraph shape
    .filter((s) => s.trim() === s && s.length >= min && !/^[-*+#]/.test(s));
const paragraphs = (n: number) => fc.array(line(2, 60), { minLength: 1, maxLength: n }).map((ps) => ps.join('\n'));

const dossierArb: fc.Arbitrary<DossierContent> = fc.record(
  {
    title: line(4, 50),
    unit: fc.constantFrom('廣州市荔灣區人大常委會', '河源市紫金县凤安镇人大', '东莞市虎门镇人大'),
    practices: paragraphs(6),
    outcomes: paragraphs(3),
    round: fc.integer({ min: 1, max: 30 }),
    contact: fc.record({ name: line(2, 6), phone: fc.constantFrom('13800138000', '020-81234567') }, { requiredKeys: [] }),
  },
  { requiredKeys: ['title', 'unit', 'practices'] },
);

function fieldsOf(d: DossierContent) {
  const contact = d.contact && Object.keys(d.contact).length ? d.contact : null;
  return {
    title: d.title,
    unitAsWritten: d.unit,
    practicesText: d.practices,
    outcomesText: d.outcomes ?? null,
    contact,
    round: d.round ?? null,
  };
}

describe('round trip: any dossier written by our writers parses back equal', () => {
  it('as Markdown', async () => {
    await fc.assert(
      fc.asyncProperty(dossierArb, async (d) => {
        const r = await parseDossier(Buffer.from(renderMarkdown(d)), { key: 'p.md' });
        expect(r.errors).toEqual([]);
        expect(r.draft).toMatchObject(fieldsOf(d));
      }),
      { numRuns: 150 },
    );
  });

  it('as JSON', async () => {
    await fc.assert(
      fc.asyncProperty(dossierArb, async (d) => {
        const r = await parseDossier(Buffer.from(renderJson(d)), { key: 'p.json' });
        expect(r.errors).toEqual([]);
        expect(r.draft).toMatchObject(fieldsOf(d));
      }),
      { numRuns: 150 },
    );
  });

  it('as .docx (template and table layouts)', async () => {
    await fc.assert(
      fc.asyncProperty(dossierArb, fc.constantFrom('paragraphs', 'table') as fc.Arbitrary<'paragraphs' | 'table'>, async (d, layout) => {
        const r = await parseDossier(await renderDocx(d, { layout }), { key: 'p.docx' });
        expect(r.errors).toEqual([]);
        // .docx has no round field in the template
        expect(r.draft).toMatchObject({ ...fieldsOf(d), round: null });
      }),
      { numRuns: 25 },
    );
  });
});

describe('robustness', () => {
  it('never throws on arbitrary bytes and always answers with coded, JSON-safe results', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('x.md', 'x.json', 'x.docx', 'x.zip', 'x'),
        async (bytes, key) => {
          const r = await intakeDossier(bytes, { key });
          expect(typeof r.valid).toBe('boolean');
          for (const e of r.errors) expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(JSON.parse(JSON.stringify(r))).toEqual(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text in any field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 60 }), async (text, unit) => {
        for (const bytes of [
          Buffer.from(JSON.stringify({ title: text, unit, practices: text, outcomes: text, contact: { name: unit } })),
          Buffer.from(`---\ntitle: ${JSON.stringify(text)}\nunit: ${JSON.stringify(unit)}\n---\n\n## 主要做法\n\n${text}\n`),
        ]) {
          const r = await intakeDossier(bytes, { key: 'x' });
          expect(typeof r.valid).toBe('boolean');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on mutated zips (damaged archives and Word files)', async () => {
    const base = await renderDocx({ title: '代表聯絡站建設', unit: '廣州市荔灣區人大常委會', practices: '做法'.repeat(80) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        async (edits) => {
          const bytes = Buffer.from(base);
          for (const [at, value] of edits) bytes[at] = value;
          const r = await intakeDossier(bytes, { key: 'x.docx' });
          expect(typeof r.valid).toBe('boolean');
        },
      ),
      { numRuns: 60 },
    );
  });
});
