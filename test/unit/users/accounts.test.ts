import { describe, expect, it } from '@jest/globals';
import { accountChanges, parseCsv, readAccountSheet } from '../../../src/domain/users';

const sheet = (text: string) => readAccountSheet(parseCsv(text).records);
const codes = (s: ReturnType<typeof sheet>) => s.refused.map((r) => [r.line, r.issues.map((i) => i.code)]);

describe('accounts sheet', () => {
  it('reads each role with its own fields, in English or Chinese headers and role names', () => {
    const s = sheet(
      [
        '電郵,姓名,角色,單位代碼,轄區',
        'Zhang@Example.org,荔灣區人大常委會,申報單位,440103,',
        'chen@example.org,陳立,reviewer,,"440100, 440300"',
        'office@example.org,辦公室,office,,',
        'lead@example.org,主任會議,审定领导,,',
        'town@example.org,沙面街道人大工委,applicant,440103-沙面街道,',
      ].join('\n'),
    );
    expect(s.fileIssues).toEqual([]);
    expect(s.refused).toEqual([]);
    expect(s.rows).toEqual([
      {
        line: 2,
        username: 'zhang@example.org',
        email: 'zhang@example.org',
        name: '荔灣區人大常委會',
        role: 'applicant',
        unitCode: '440103',
      },
      {
        line: 3,
        username: 'chen@example.org',
        email: 'chen@example.org',
        name: '陳立',
        role: 'reviewer',
        jurisdictions: ['440100', '440300'],
      },
      { line: 4, username: 'office@example.org', email: 'office@example.org', name: '辦公室', role: 'secretariat' },
      { line: 5, username: 'lead@example.org', email: 'lead@example.org', name: '主任會議', role: 'approver' },
      {
        line: 6,
        username: 'town@example.org',
        email: 'town@example.org',
        name: '沙面街道人大工委',
        role: 'applicant',
        unitCode: '440103-沙面街道',
      },
    ]);
  });

  it('refuses a bad row with a coded, bilingual reason naming its line, and goes on with the others', () => {
    const s = sheet(
      [
        'email,name,role,unitCode,jurisdictions',
        'ok@example.org,好單位,applicant,440103,',
        'not-an-email,壞地址,applicant,440103,',
        ',沒有地址,applicant,440103,',
        'norole@example.org,沒有角色,,,',
        'badrole@example.org,錯角色,admin,,',
        'nounit@example.org,沒有單位,applicant,,',
        'unknown@example.org,不明單位,applicant,449999,',
        'city@example.org,市級,applicant,440100,',
        'byname@example.org,寫了名稱,applicant,廣州市荔灣區人大常委會,',
        'rev@example.org,評審,reviewer,440103,',
        'rev2@example.org,評審,reviewer,,999999',
        'app@example.org,申報,applicant,440103,440100',
        'noname@example.org,,approver,,',
      ].join('\r\n'),
    );
    expect(s.rows.map((r) => r.line)).toEqual([2]);
    expect(codes(s)).toEqual([
      [3, ['EMAIL_INVALID']],
      [4, ['EMAIL_MISSING']],
      [5, ['ROLE_MISSING']],
      [6, ['ROLE_UNKNOWN']],
      [7, ['UNIT_CODE_MISSING']],
      [8, ['UNIT_CODE_UNKNOWN']],
      [9, ['UNIT_CODE_CITY_LEVEL']],
      [10, ['UNIT_CODE_UNKNOWN']],
      [11, ['UNIT_CODE_NOT_APPLICANT']],
      [12, ['JURISDICTION_UNKNOWN']],
      [13, ['JURISDICTIONS_NOT_REVIEWER']],
      [14, ['NAME_MISSING']],
    ]);
    for (const r of s.refused) {
      for (const issue of r.issues) {
        expect(issue.message.zh).toContain(`第 ${r.line} 行`);
        expect(issue.message.en).toContain(`line ${r.line}`);
      }
    }
    // a unit written by name: the report gives its code
    expect(s.refused.find((r) => r.line === 10)!.issues[0]!.message.en).toContain('the code of "廣州市荔灣區人大常委會" is 440103');
  });

  it('refuses every row of an address given twice (any case), naming all its lines', () => {
    const s = sheet(
      [
        'email,name,role,unitCode',
        'a@example.org,甲,applicant,440103',
        'b@example.org,乙,applicant,440104',
        'A@EXAMPLE.ORG,丙,applicant,440105',
      ].join('\n'),
    );
    expect(s.rows.map((r) => r.email)).toEqual(['b@example.org']);
    expect(codes(s)).toEqual([
      [2, ['EMAIL_DUPLICATE']],
      [4, ['EMAIL_DUPLICATE']],
    ]);
    expect(s.refused[0]!.issues[0]!.message.en).toContain('lines 2, 4');
  });

  it('names a missing column or an empty file instead of reading rows', () => {
    expect(sheet('email,name\nx@y.org,X\n').fileIssues.map((i) => [i.code, i.field])).toEqual([['COLUMN_MISSING', 'role']]);
    expect(sheet('').fileIssues.map((i) => i.code)).toEqual(['FILE_EMPTY']);
    expect(sheet('email,name,role,Email\n').fileIssues.map((i) => i.code)).toEqual(['COLUMN_DUPLICATE']);
  });

  it('compares a row with the directory field by field', () => {
    const base = { username: 'a@x.org', email: 'a@x.org', name: '甲', role: 'reviewer' as const, jurisdictions: ['440100', '440300'] };
    expect(accountChanges(base, { ...base, jurisdictions: ['440300', '440100'] })).toEqual([]);
    expect(accountChanges({ ...base, role: 'applicant', unitCode: '440103', jurisdictions: undefined }, base)).toEqual([
      'role',
      'unitCode',
      'jurisdictions',
    ]);
    expect(accountChanges({ ...base, name: '乙' }, base)).toEqual(['name']);
  });
});
