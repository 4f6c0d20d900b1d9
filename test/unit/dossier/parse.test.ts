import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import yazl from 'yazl';
import { parseDossier, renderDocx, renderJson, renderMarkdown, type DossierContent } from '../../../src/domain/dossier';
import { toHans } from '../../../src/domain/text';

const PRACTICES = [
  '鳳安鎮人大每月定期組織代表深入村民小組,將村民家的禾坪打造為問計群眾、問需群眾的平臺。',
  '一是領導干部代表帶頭示範。擔任鎮黨委政府領導職務的代表率先垂範,帶領各級代表深入各村,在禾坪宣傳政策、收集民意。',
  '二是集思廣益談心事。深入了解群眾生產生活中的困難和問題,認真聽取群眾對鎮村產業發展、人居環境整治的意見建議。',
  '三是凝心聚力解難事。對群眾反映的問題,能現場解決的當場答復,不能馬上解決的轉交鎮政府相關部門在規定時限內解決答復。',
].join('\n');

const DOSSIER: DossierContent = {
  title: '開展“禾坪說事”活動的做法和成效',
  unit: '河源市紫金縣鳳安鎮人大',
  practices: PRACTICES,
  outcomes: '“禾坪說事”活動已組織60多場次,推動解決351件民生問題,群眾滿意率達95%以上。',
  contact: { name: '李四', phone: '13800138000', email: 'fengan@example.cn' },
  round: 5,
};

function zip(entries: { name: string; data: Buffer }[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const z = new yazl.ZipFile();
    for (const e of entries) z.addBuffer(e.data, e.name);
    z.end();
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
  'hex',
);

function expectFields(draft: Awaited<ReturnType<typeof parseDossier>>['draft'], d: DossierContent) {
  expect(draft).not.toBeNull();
  expect(draft!.title).toBe(d.title);
  expect(draft!.unitAsWritten).toBe(d.unit);
  expect(draft!.practicesText).toBe(d.practices);
  expect(draft!.outcomesText).toBe(d.outcomes ?? null);
  expect(draft!.contact).toEqual(d.contact ?? null);
}

describe('parseDossier formats', () => {
  it('reads Markdown with YAML front matter, recording where each field starts', async () => {
    const r = await parseDossier(Buffer.from(renderMarkdown(DOSSIER)), { key: 'dossiers/r5/x/s1/case.md' });
    expect(r.ok).toBe(true);
    expect(r.source).toMatchObject({ format: 'markdown', charset: 'utf-8', detectedType: 'text' });
    expectFields(r.draft, DOSSIER);
    expect(r.draft!.round).toBe(5);
    expect(r.draft!.lines.title).toEqual([2]);
    // one source line per paragraph: paragraphs are separated by blank lines in the file
    const source = renderMarkdown(DOSSIER).split('\n');
    const paragraphs = DOSSIER.practices.split('\n');
    r.draft!.lines.practices!.forEach((line, k) => expect(source[line - 1]).toBe(paragraphs[k]));
  });

  it('reads Simplified headings and joins soft-wrapped lines without spaces', async () => {
    const text = `---\ntitle: 开展禾坪说事活动\nunit: 河源市紫金县凤安镇人大\n---\n\n## 主要做法\n\n凤安镇人大每月定期\n组织代表深入村民小组。\n\n- 一是示范\n- 二是聆听\n\n## 工作成效\n\n解决351件。\n`;
    const r = await parseDossier(Buffer.from(text), { key: 'a.md' });
    expect(r.draft!.practicesText).toBe('凤安镇人大每月定期组织代表深入村民小组。\n- 一是示范\n- 二是聆听');
    expect(r.draft!.outcomesText).toBe('解决351件。');
  });

  it('reads JSON, including practices given as a list of paragraphs', async () => {
    const r = await parseDossier(Buffer.from(renderJson(DOSSIER)), { key: 'case.json' });
    expect(r.ok).toBe(true);
    expectFields(r.draft, DOSSIER);
    const list = await parseDossier(Buffer.from(JSON.stringify({ ...JSON.parse(renderJson(DOSSIER)), practices: PRACTICES.split('\n') })), {
      key: 'b.json',
    });
    expect(list.draft!.practicesText).toBe(PRACTICES);
  });

  it('reads the official .docx template, in either label script, and the two-column table form', async () => {
    for (const bytes of [
      await renderDocx(DOSSIER),
      await renderDocx(DOSSIER, { script: 'hans' }),
      await renderDocx(DOSSIER, { layout: 'table' }),
    ]) {
      const r = await parseDossier(bytes, { key: 'case.docx' });
      expect(r.errors).toEqual([]);
      expect(r.source.format).toBe('docx');
      expectFields(r.draft, DOSSIER);
    }
  });

  it('reads a zip with one dossier and attachments, hashing and typing them by content', async () => {
    const bytes = await zip([
      { name: '申報書.docx', data: await renderDocx(DOSSIER) },
      { name: 'photos/活動.png', data: PNG },
      { name: '__MACOSX/._活動.png', data: Buffer.from('junk') },
    ]);
    const r = await parseDossier(bytes, { key: 'case.zip' });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['ZIP_IGNORED_ENTRY']);
    expect(r.draft).toMatchObject({ format: 'zip', innerFormat: 'docx' });
    expect(r.draft!.attachments).toEqual([
      { name: 'photos/活動.png', type: 'image/png', bytes: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') },
    ]);
    expectFields(r.draft, DOSSIER);
  });

  it('decides the type by content, warning when the extension disagrees', async () => {
    const r = await parseDossier(Buffer.from(renderJson(DOSSIER)), { key: 'case.docx' });
    expect(r.source.format).toBe('json');
    expect(r.warnings.map((w) => w.code)).toContain('FORMAT_EXTENSION_MISMATCH');
  });

  it('reads a zip whose file names are GBK (Chinese Windows archivers), not only UTF-8', async () => {
    const bytes = Buffer.from(
      await zip([
        { name: 'dossier.md', data: Buffer.from(renderMarkdown(DOSSIER)) },
        { name: 'xphoto.png', data: PNG },
      ]),
    );
    // Rewrite "xphoto.png" as GBK "xx照片.png" (same 10 bytes) and clear the UTF-8 name flag, as Windows zip tools write it.
    const gbkName = Buffer.concat([Buffer.from('xx'), iconv.encode('照片', 'gbk'), Buffer.from('.png')]);
    expect(gbkName.length).toBe(10);
    const from = Buffer.from('xphoto.png');
    for (let i = bytes.indexOf(from); i !== -1; i = bytes.indexOf(from, i + 1)) gbkName.copy(bytes, i);
    for (let i = 0; i + 4 < bytes.length; i++) {
      const sig = bytes.readUInt32LE(i);
      if (sig === 0x04034b50) bytes.writeUInt16LE(bytes.readUInt16LE(i + 6) & ~0x800, i + 6);
      if (sig === 0x02014b50) bytes.writeUInt16LE(bytes.readUInt16LE(i + 8) & ~0x800, i + 8);
    }
    const r = await parseDossier(bytes, { key: 'case.zip' });
    expect(r.errors).toEqual([]);
    expect(r.draft?.attachments.map((a) => a.name)).toEqual(['xx照片.png']);
  });
});

describe('parseDossier charsets', () => {
  const md = renderMarkdown(DOSSIER);
  const cases: [string, Buffer, string, string][] = [
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(md)]), 'utf-8', md],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(md, 'utf-16le')]), 'utf-16le', md],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(md, 'utf-16be')]), 'utf-16be', md],
    ['GB18030 (Simplified)', iconv.encode(toHans(md), 'gb18030'), 'gb18030', toHans(md)],
    ['GB18030 (Traditional)', iconv.encode(md, 'gb18030'), 'gb18030', md],
    ['Big5', iconv.encode(md, 'big5'), 'big5', md],
  ];
  it.each(cases)('decodes %s', async (_label, bytes, charset, text) => {
    const r = await parseDossier(bytes, { key: 'case.md' });
    expect(r.source.charset).toBe(charset);
    expect(r.errors).toEqual([]);
    const expected = await parseDossier(Buffer.from(text), { key: 'case.md' });
    expect(r.draft!.practicesText).toBe(expected.draft!.practicesText);
    expect(r.draft!.title).toBe(expected.draft!.title);
  });

  it('normalises text to NFC', async () => {
    const decomposed = renderMarkdown({ ...DOSSIER, title: 'Cafe\u0301 禾坪說事活動' });
    const r = await parseDossier(Buffer.from(decomposed), { key: 'a.md' });
    expect(r.draft!.title).toBe('Café 禾坪說事活動');
  });
});
