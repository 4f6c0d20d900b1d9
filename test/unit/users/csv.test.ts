import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from '@jest/globals';
import { formatCsv, parseCsv } from '../../../src/domain/users';
import { readAccountsFile } from '../../../src/usecases/users/import';

/** Cells of any text: quotes, commas, tabs, line ends of every kind, CJK, emoji. */
const cellText = fc.string({
  unit: fc.constantFrom('a', 'Z', '9', ' ', ',', '"', '\r', '\n', '\r\n', '\t', '陳', '廣', '𠀋', 'é', '@', '-'),
});
/** A table with a first column that is never empty (an all-empty row is a blank line and skipped). */
const table = fc.array(
  fc
    .tuple(
      cellText.filter((c) => c !== ''),
      fc.array(cellText, { maxLength: 5 }),
    )
    .map(([first, rest]) => [first, ...rest]),
  { minLength: 1, maxLength: 12 },
);

describe('CSV parser', () => {
  it('reads back exactly what formatCsv wrote, with CRLF or LF line ends, with or without a BOM', () => {
    fc.assert(
      fc.property(table, fc.constantFrom<'\r\n' | '\n'>('\r\n', '\n'), fc.boolean(), (rows, eol, bom) => {
        const text = (bom ? '\uFEFF' : '') + formatCsv(rows, eol);
        const parsed = parseCsv(text);
        expect(parsed.issues).toEqual([]);
        expect(parsed.records.map((r) => r.cells)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('numbers each record by the line it starts on, counting line ends inside quoted cells', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const text = formatCsv(rows, '\n');
        const parsed = parseCsv(text);
        let line = 1;
        parsed.records.forEach((record, i) => {
          expect(record.line).toBe(line);
          line += rows[i]!.join(',').split(/\r\n|\r|\n/).length;
        });
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary input and reports an unclosed quote with its line', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseCsv(text);
        for (const issue of parsed.issues) expect(issue.message.zh && issue.message.en).toBeTruthy();
      }),
      { numRuns: 500 },
    );
    expect(parseCsv('email,name\n"a@b.org,x\n').issues.map((i) => [i.code, i.at?.line])).toEqual([['CSV_UNCLOSED_QUOTE', 2]]);
    expect(parseCsv('"a"b,c\n').issues.map((i) => i.code)).toEqual(['CSV_TEXT_AFTER_QUOTE']);
  });

  it('skips blank lines (also a row of empty cells) and reads lone CR line ends (old Mac Excel)', () => {
    expect(parseCsv('a,b\r\n\r\n,,\r\nc,d').records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 4, cells: ['c', 'd'] },
    ]);
    expect(parseCsv('a,b\rc,d\r').records.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('reads tab-separated "Unicode text" exports when the header has tabs and no commas', () => {
    expect(parseCsv('email\tname\nx@y.org\t陳, 立\n').records.map((r) => r.cells)).toEqual([
      ['email', 'name'],
      ['x@y.org', '陳, 立'],
    ]);
  });
});

describe('accounts file encodings', () => {
  const csv = 'email,name,role,unitCode\r\nzhang@example.org,荔灣區人大常委會,申報單位,440103\r\n';
  const noWorkbook = async () => {
    throw new Error('not a workbook');
  };
  it.each([
    ['UTF-8', Buffer.from(csv, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')])],
    [
      'GB18030 (Excel on Simplified Windows)',
      iconv.encode(csv.replace('荔灣區人大常委會', '荔湾区人大常委会').replace('申報單位', '申报单位'), 'gb18030'),
    ],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')])],
  ])('reads %s', async (_label, bytes) => {
    const sheet = await readAccountsFile({ fileName: 'accounts.csv', bytes: new Uint8Array(bytes) }, noWorkbook);
    expect(sheet.fileIssues).toEqual([]);
    expect(sheet.refused).toEqual([]);
    expect(sheet.rows).toEqual([
      {
        line: 2,
        username: 'zhang@example.org',
        email: 'zhang@example.org',
        name: expect.stringMatching(/^荔[灣湾]區?/),
        role: 'applicant',
        unitCode: '440103',
      },
    ]);
  });

  it('names a file it cannot read instead of guessing', async () => {
    const random = new Uint8Array(Array.from({ length: 64 }, (_, i) => (i * 37 + 129) % 256));
    expect((await readAccountsFile({ fileName: 'x.csv', bytes: random }, noWorkbook)).fileIssues.map((i) => i.code)).toEqual([
      'FILE_NOT_TEXT',
    ]);
    expect((await readAccountsFile({ fileName: 'x.csv', bytes: new Uint8Array() }, noWorkbook)).fileIssues.map((i) => i.code)).toEqual([
      'FILE_EMPTY',
    ]);
    expect(
      (await readAccountsFile({ fileName: 'x.xlsx', bytes: new Uint8Array([0x50, 0x4b, 3, 4, 0]) }, noWorkbook)).fileIssues.map(
        (i) => i.code,
      ),
    ).toEqual(['XLSX_UNREADABLE']);
    expect(
      (await readAccountsFile({ fileName: 'x.xls', bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]) }, noWorkbook)).fileIssues.map(
        (i) => i.code,
      ),
    ).toEqual(['XLS_NOT_SUPPORTED']);
  });
});
