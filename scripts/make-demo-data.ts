/**
 * Builds data/demo/ from the published round-5 page (`npm run demo-data`): the 12 selected
 * cases as dossiers in every format applicants use, and data/demo/broken/ with dossiers that
 * show the intake errors. Everything goes through the announcement importer and the dossier
 * writers, and the script checks its own output with the real intake before finishing.
 */
import iconv from 'iconv-lite';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import yazl from 'yazl';
import { importAnnouncement, type AnnouncementCase } from '../src/domain/announcement';
import { intakeDossier, renderDocx, renderJson, renderMarkdown, type DossierContent } from '../src/domain/dossier';
import { findMojibake, toHans } from '../src/domain/text';

const root = join(import.meta.dirname, '..');
const seedPath = process.env.SEED_ANNOUNCEMENT ?? join(root, 'data', 'seed', 'announcement-round5.txt');
const outDir = join(root, 'data', 'demo');
const brokenDir = join(outDir, 'broken');
const ROUND = 5;

/**
 * The seed page's damaged fragments and what the published text originally said. Each was a
 * GBK page shifted by one byte (see the importer's defects); the original wording is certain
 * from the surrounding sentence (opening quote before, closing quote after, the phrase repeated
 * elsewhere on the page).
 */
const REPAIRS: [damaged: RegExp, repaired: string, asPublished: string][] = [
  [/精心選題\?!跋蛉嗣駞R報”/gu, '精心選題。“向人民匯報”', '精心選題?!跋蛉嗣駞R報”'],
  [/營造良好氛圍\?!半p聯系”/gu, '營造良好氛圍。“雙聯系”', '營造良好氛圍?!半p聯系”'],
  [/“拉家\?!\?,/gu, '“拉家常”,', '“拉家?!?,'],
  // These two fragments also hold a private-use character (U+E7CA) the page's font mapping left behind.
  [/”\?;鶎恿[^撓]{1,4}撓迭c/gu, '”。基層立法聯系點', '”?;鶎恿⒎\u{E7CA}撓迭c'],
];

function repair(text: string): string {
  let out = text;
  for (const [damaged, repaired] of REPAIRS) out = out.replace(damaged, repaired);
  return out;
}

// --- small but real attachment files ---------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A solid-colour RGB PNG (a placeholder photo of the activity). */
function makePng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a line of ASCII text and a correct cross-reference table. */
function makePdf(line: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${line.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function zip(entries: { name: string; data: Buffer }[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const e of entries) z.addBuffer(e.data, e.name, { mtime: new Date(Date.UTC(2024, 0, 1)) });
    z.end();
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

/**
 * Renames an entry after the fact (yazl refuses hostile names, rightly): the name is stored in
 * the local header and the central directory, so a same-length byte replacement keeps the
 * archive well-formed.
 */
function renameEntry(archive: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error('renameEntry needs names of equal byte length');
  const out = Buffer.from(archive);
  for (let i = out.indexOf(a); i !== -1; i = out.indexOf(a, i + 1)) b.copy(out, i);
  return out;
}

// --- the demo set ----------------------------------------------------------------------------

function content(c: AnnouncementCase, extra: Partial<DossierContent> = {}): DossierContent {
  return { title: c.title.trim(), unit: c.unit, practices: repair(c.practices), round: ROUND, ...extra };
}

function simplified(d: DossierContent): DossierContent {
  return { ...d, title: toHans(d.title), unit: toHans(d.unit), practices: toHans(d.practices) };
}

type Maker = (c: AnnouncementCase) => Promise<{ file: string; bytes: Buffer; note: string }>;
const nn = (c: AnnouncementCase) => String(c.number).padStart(2, '0');

/** Which format each case is demonstrated in (case number → writer). */
const MAKERS: Record<number, Maker> = {
  1: async (c) => ({ file: `case-${nn(c)}.md`, bytes: Buffer.from(renderMarkdown(content(c))), note: 'Markdown, UTF-8' }),
  2: async (c) => ({ file: `case-${nn(c)}.md`, bytes: iconv.encode(renderMarkdown(content(c)), 'gb18030'), note: 'Markdown, GB18030' }),
  3: async (c) => ({ file: `case-${nn(c)}.json`, bytes: Buffer.from(renderJson(content(c))), note: 'JSON, UTF-8' }),
  4: async (c) => ({ file: `case-${nn(c)}.json`, bytes: iconv.encode(renderJson(content(c)), 'big5'), note: 'JSON, Big5' }),
  5: async (c) => ({
    file: `case-${nn(c)}.md`,
    bytes: Buffer.from(renderMarkdown(simplified(content(c)))),
    note: 'Markdown, Simplified script',
  }),
  6: async (c) => ({ file: `case-${nn(c)}.docx`, bytes: await renderDocx(content(c)), note: 'Word, official template (label paragraphs)' }),
  7: async (c) => ({
    file: `case-${nn(c)}.docx`,
    bytes: await renderDocx(content(c), { layout: 'table' }),
    note: 'Word, two-column table form',
  }),
  8: async (c) => ({
    file: `case-${nn(c)}.docx`,
    bytes: await renderDocx(simplified(content(c)), { script: 'hans' }),
    note: 'Word, Simplified script and labels',
  }),
  9: async (c) => ({
    file: `case-${nn(c)}.zip`,
    bytes: await zip([
      { name: '申報書.docx', data: await renderDocx(content(c)) },
      { name: '活動照片.png', data: makePng(64, 48, [200, 40, 40]) },
    ]),
    note: 'zip: .docx + PNG photo',
  }),
  10: async (c) => ({
    file: `case-${nn(c)}.zip`,
    bytes: await zip([
      { name: 'dossier.md', data: Buffer.from(renderMarkdown(content(c))) },
      { name: 'attachments/report.pdf', data: makePdf('Lianjiang sector liaison stations: annual report') },
    ]),
    note: 'zip: Markdown + PDF report',
  }),
  11: async (c) => ({
    file: `case-${nn(c)}.zip`,
    bytes: await zip([
      { name: 'dossier.json', data: Buffer.from(renderJson(content(c))) },
      { name: 'photo-1.png', data: makePng(32, 32, [30, 90, 160]) },
      { name: 'photo-2.png', data: makePng(32, 32, [30, 160, 90]) },
    ]),
    note: 'zip: JSON + two PNG photos',
  }),
  12: async (c) => ({
    file: `case-${nn(c)}.md`,
    bytes: Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(renderMarkdown(content(c, { contact: { name: '羅平鎮人大辦', phone: '0766-3812345' } }))),
    ]),
    note: 'Markdown, UTF-8 with BOM, with a contact',
  }),
};

async function main(): Promise<void> {
  const page = importAnnouncement(readFileSync(seedPath, 'utf8'));
  if (page.cases.length !== 12) throw new Error(`expected 12 cases in ${seedPath}, found ${page.cases.length}`);
  // everything here is generated except the scenario (scenario/: charter, personas, decisions), which is written by hand
  for (const name of existsSync(outDir) ? readdirSync(outDir) : [])
    if (name !== 'scenario') rmSync(join(outDir, name), { recursive: true, force: true });
  mkdirSync(brokenDir, { recursive: true });

  const ctx = { round: { number: ROUND, eligibleLevels: ['county', 'township'] as ('county' | 'township')[], closed: false } };
  const rows: string[] = [];
  for (const c of page.cases) {
    const repaired = repair(c.practices);
    const left = findMojibake(repaired);
    if (left.length) throw new Error(`case ${c.number} still has mojibake after repair: ${left.map((d) => d.excerpt).join(' | ')}`);
    const made = await MAKERS[c.number]!(c);
    const report = await intakeDossier(made.bytes, { key: made.file, ctx });
    if (!report.valid) throw new Error(`${made.file} is not valid: ${report.errors.map((e) => e.code).join(', ')}`);
    writeFileSync(join(outDir, made.file), made.bytes);
    rows.push(`| \`${made.file}\` | ${c.title.trim()} | ${c.unit} | ${made.note} |`);
  }

  const c2 = page.cases[1]!;
  const broken: { file: string; bytes: Buffer; shows: string }[] = [
    {
      file: 'unknown-unit.md',
      bytes: Buffer.from(renderMarkdown({ ...content(page.cases[0]!), unit: '廣州市荔彎區人大常委會' })),
      shows: 'UNIT_UNKNOWN (a typo in the district; the nearest names are suggested)',
    },
    {
      file: 'other-province.json',
      bytes: Buffer.from(renderJson({ ...content(page.cases[2]!), unit: '湖南省長沙市岳麓區人大常委會' })),
      shows: 'UNIT_OTHER_PROVINCE',
    },
    {
      file: 'city-level-body.json',
      bytes: Buffer.from(renderJson({ ...content(page.cases[2]!), unit: '珠海市人大常委會' })),
      shows: 'UNIT_CITY_LEVEL_BODY',
    },
    {
      file: 'too-short-practices.json',
      bytes: Buffer.from(renderJson({ ...content(page.cases[3]!), practices: '推動“雙聯系”工作走深走實,代表履職活動日趨活躍。' })),
      shows: 'PRACTICES_TOO_SHORT',
    },
    {
      file: 'markup-in-title.md',
      bytes: Buffer.from(renderMarkdown({ ...content(page.cases[4]!), title: '<b>創新實施工作新機制</b> 實現代表建議全過程閉環辦理' })),
      shows: 'TEXT_MARKUP in the title',
    },
    {
      file: 'mojibake.md',
      bytes: Buffer.from(renderMarkdown({ title: c2.title, unit: c2.unit, practices: c2.practices, round: ROUND })),
      shows: 'TEXT_MOJIBAKE (case 2 exactly as published, with its damaged fragment)',
    },
    {
      file: 'legacy.doc',
      // The OLE compound-file signature and header of a Word 97–2003 document.
      bytes: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
      shows: 'FORMAT_LEGACY_DOC (save as .docx)',
    },
    {
      file: 'zip-slip.zip',
      bytes: renameEntry(
        await zip([
          { name: 'xx/xx/etc/cron.d/evil', data: Buffer.from('* * * * * root true\n') },
          { name: 'dossier.md', data: Buffer.from(renderMarkdown(content(page.cases[0]!))) },
        ]),
        'xx/xx/etc/cron.d/evil',
        '../../etc/cron.d/evil',
      ),
      shows: 'ZIP_UNSAFE_NAME (an entry escaping the archive)',
    },
  ];
  const brokenRows: string[] = [];
  for (const b of broken) {
    const report = await intakeDossier(b.bytes, { key: b.file, ctx });
    if (report.valid) throw new Error(`broken/${b.file} unexpectedly validates`);
    writeFileSync(join(brokenDir, b.file), b.bytes);
    brokenRows.push(`| \`broken/${b.file}\` | ${b.shows} | ${report.errors.map((e) => e.code).join(', ')} |`);
  }

  writeFileSync(
    join(outDir, 'README.md'),
    `# Demo dossiers (round ${ROUND})

Generated by \`npm run demo-data\` (scripts/make-demo-data.ts) from the published round-5 result
page (\`data/seed/announcement-round5.txt\`) through the announcement importer; do not edit by hand.
Every file here passes \`npx casebook validate data/demo --round ${ROUND}\` except those in \`broken/\`.

The seed page, \`data/seed/announcement-round5.txt\`, is the real result page of the 5th Guangdong
county and township people's congress work innovation cases (「第五屆廣東省縣鄉人大工作創新案例評選結果揭曉」,
published in 2022 on 廣東人大網 under 重要發布 > 優秀案例), saved as text with the site's navigation
and kept byte for byte with its defects (stray markup, mojibake) as test data for the importer.

| file | title | unit | format |
|---|---|---|---|
${rows.join('\n')}

## Repairs of the published text

The published page carries mojibake in cases 2, 4, 6 and 11 (a GBK page shifted by one byte;
\`casebook import-announcement\` reports each spot). A dossier with mojibake is invalid
(TEXT_MOJIBAKE), so the demo dossiers use the original wording, restored from the sentence
around each fragment:

| as published | restored |
|---|---|
${REPAIRS.map(([, r, d]) => `| \`${d}\` | \`${r}\` |`).join('\n')}

Nothing else is changed; case 10's title keeps its double space as published.
The 入選理由 (reasons selected) are written by the leadership meeting, not by applicants, so they
are not part of the dossiers: they are in the scenario.

## The scenario (\`scenario/\`, written by hand)

\`casebook demo\` is a driver over three files; change the round by changing them:

| file | holds |
|---|---|
| \`scenario/charter.yaml\` | the round's charter, without the panel and with deadlines in days from opening |
| \`scenario/personas.yaml\` | the office, the approver, the panel (jurisdictions, declared conflicts, leniency) and the units that upload \`broken/\` |
| \`scenario/decisions.yaml\` | in the page's order, each case's dossier, unit, score sheet and published reason; eligibility, approval (\`approve\`: the shortlist as ranked) and objection rulings |

The declared conflicts leave every case exactly three conflict-free reviewers, and the sheets fall
by 0.4 a place down the page, so the calibrated ranking reproduces the page's order and the
leadership meeting approves the shortlist as ranked, with no amendment
(\`test/unit/demo/scenario.test.ts\` checks this through the domains; \`test/e2e/demo.test.ts\` on
the demo's audit trail).

## Broken dossiers

| file | shows | codes reported |
|---|---|---|
${brokenRows.join('\n')}
`,
  );
  console.log(`wrote ${page.cases.length} dossiers and ${broken.length} broken ones to ${outDir}`);
}

await main();
