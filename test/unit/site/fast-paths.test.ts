/**
 * The renderer's fast paths against the straightforward definitions they replaced: each property
 * fails if the fast version ever produces different bytes.
 */
import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { buildManifest, escapeHtml, type SiteFile } from '../../../src/domain/site';
import { html, SafeHtml, trustedHtml, type HtmlValue } from '../../../src/domain/site/html';
import { redactPersonalData, redactPersonalDataUnchecked } from '../../../src/domain/site/redact';

/** Any UTF-16 text, lone surrogates included, with the characters markup must escape mixed in. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", 'a', '案', '\n', '\uD83D', '\uDE00', '😀') }),
);

describe('html templates (parts joined once per page)', () => {
  // The eager definition: every template concatenated to a string as soon as it is made.
  const eagerRender = (value: HtmlValue): string => {
    if (value === null || value === undefined || value === false) return '';
    if (value instanceof SafeHtml) return value.value;
    if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(eagerRender).join('');
    return escapeHtml(String(value));
  };
  const eagerHtml = (strings: readonly string[], values: readonly HtmlValue[]): string => {
    let out = strings[0]!;
    for (let i = 0; i < values.length; i++) out += eagerRender(values[i]!) + strings[i + 1]!;
    return out;
  };
  const asTemplate = (strings: readonly string[]) => Object.assign([...strings], { raw: [...strings] }) as unknown as TemplateStringsArray;

  // A tree of templates, plain values, arrays and trusted markup, built both ways at once.
  type Built = { lazy: HtmlValue; eager: HtmlValue };
  const leaf: fc.Arbitrary<Built> = fc.oneof(
    anyText.map((t) => ({ lazy: t, eager: t })),
    fc.integer().map((n) => ({ lazy: n, eager: n })),
    fc.constantFrom<Built>({ lazy: null, eager: null }, { lazy: undefined, eager: undefined }, { lazy: false, eager: false }),
    anyText.map((t) => ({ lazy: trustedHtml(t), eager: trustedHtml(t) })),
  );
  const tree = fc.letrec<{ node: Built }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('node'), { maxLength: 4 }).map((items) => ({ lazy: items.map((i) => i.lazy), eager: items.map((i) => i.eager) })),
      fc.tuple(fc.array(anyText, { minLength: 1, maxLength: 4 }), fc.array(tie('node'), { maxLength: 4 })).map(([literals, items]) => {
        const values = items.slice(0, literals.length - 1);
        const strings = literals.slice(0, values.length + 1);
        return {
          lazy: html(asTemplate(strings), ...values.map((v) => v.lazy)),
          eager: trustedHtml(
            eagerHtml(
              strings,
              values.map((v) => v.eager),
            ),
          ),
        };
      }),
    ),
  })).node;

  it('give the same string as concatenating each template when it is made', () => {
    fc.assert(
      fc.property(tree, ({ lazy, eager }) => {
        const root = html`<div>${lazy}</div>`;
        const expected = `<div>${eagerRender(eager)}</div>`;
        // twice: the second read comes from the remembered string
        expect(root.value).toBe(expected);
        expect(String(root)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('a template shared by two pages reads the same in both', () => {
    const shared = html`<p>${'<&>'}</p>`;
    const a = html`<main>${shared}</main>`;
    expect(shared.value).toBe('<p>&lt;&amp;&gt;</p>');
    const b = html`<aside>${[shared, shared]}</aside>`;
    expect([a.value, b.value]).toEqual(['<main><p>&lt;&amp;&gt;</p></main>', '<aside><p>&lt;&amp;&gt;</p><p>&lt;&amp;&gt;</p></aside>']);
  });
});

describe('manifest entries (each page encoded once into a shared buffer)', () => {
  const reference = (body: string | Uint8Array) => ({
    sha256: hash('sha256', typeof body === 'string' ? Buffer.from(body, 'utf8') : body, 'hex'),
    size: typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength,
  });

  it('hash and size every file as its UTF-8 bytes, whatever the file order and lengths', () => {
    const body = fc.oneof(
      anyText,
      anyText.map((t) => t.repeat(50)),
      fc.uint8Array({ maxLength: 64 }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), body, { maxKeys: 8 }), (bodies) => {
        const files = new Map<string, SiteFile>(Object.entries(bodies).map(([path, b]) => [path, { body: b, contentType: 'text/plain' }]));
        const manifest = buildManifest(files, 'x');
        expect(Object.keys(manifest.files).sort()).toEqual([...files.keys()].sort());
        for (const [path, file] of files) expect(manifest.files[path]).toEqual({ ...reference(file.body), contentType: 'text/plain' });
      }),
      { numRuns: 500 },
    );
  });
});

describe('personal data removal (patterns skipped when a text lacks what they need)', () => {
  // Texts made of the pieces personal data is made of: digit runs of every length (mobile, ID and
  // landline shapes among them), separators, the phone and contact labels, e-mail parts.
  const piece = fc.oneof(
    fc.stringMatching(/^[0-9]{1,18}$/),
    fc.constantFrom(
      '138',
      '1381234',
      '5678',
      '13812345678',
      '+86 ',
      '020-',
      '(0758)',
      '（0758）',
      '0758 ',
      '123 4567',
      '轉',
      '-',
      ' ',
      '　',
    ),
    fc.constantFrom('440106199001011234', '44010619900101123X', '440106900101123', '11010519491231002X'),
    fc.constantFrom('電話', '电话：', 'Tel:', 'tel ', '手機', '傳真', '聯繫人：', '联系人:', '經辦人 ： ', '聯絡人'),
    fc.constantFrom('@', 'a.b', 'x@example.com', 'org', '.', 'X', 'x', '張三', '王小明', '，', '。', '代表聯絡站', '（', '）'),
    fc.string({ maxLength: 3 }),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

  it('gives the same text as running every pattern', () => {
    fc.assert(
      fc.property(text, (t) => redactPersonalData(t) === redactPersonalDataUnchecked(t)),
      { numRuns: 5000 },
    );
  });

  it('still removes what the patterns find', () => {
    for (const t of ['電話：020-12345678', '聯繫人：張三', '13812345678', 'x@example.com', '身份證440106199001011234']) {
      expect(redactPersonalData(t)).toBe(redactPersonalDataUnchecked(t));
      expect(redactPersonalData(t)).not.toBe(t);
    }
  });
});
