/**
 * The printable annex: `casebook export --pdf` prints the round page with Debian's Chromium, and
 * pdftotext (poppler-utils) finds every case's title and unit in the PDF, in order, each case on
 * its own page, with the running header; without a Chromium the command says so.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { findChromium, printAnnex } from '../../cli/commands/export';
import type { RoundExport } from '../../src/domain/export/model';
import { chromiumPath } from '../support/browser';

const DATA: RoundExport = {
  format: 'casebook-round-export/1',
  round: {
    roundId: 'r2023-05',
    number: 5,
    year: 2023,
    theme: '發展和完善全過程人民民主的基層實踐',
    script: 'hant',
    approvedAt: '2023-06-10T02:00:00.000Z',
    blindReview: true,
    title: '第五屆廣東省縣鄉人大工作創新案例評選結果揭曉',
    lead: '根據常委會工作安排……',
    annexTitle: '附件：第五屆廣東省縣鄉人大工作創新案例',
  },
  cases: [
    {
      order: 1,
      caseId: 'c1',
      title: '探索建立重大司法等事項報告工作機制',
      unit: '廣州市荔灣區人大常委會',
      city: '廣州市',
      practices: '針對人大監督工作中存在的問題。'.repeat(40),
      outcomes: '',
      reason: '健全報告制度。',
    },
    {
      order: 2,
      caseId: 'c2',
      title: '開展禾坪說事活動的做法和成效',
      unit: '河源市紫金縣鳳安鎮人大',
      city: '河源市',
      level: 'township',
      practices: '村民聚在禾坪上議事。',
      outcomes: '',
      reason: '民主協商到家門口。',
    },
    {
      order: 4,
      caseId: 'c4',
      title: '打造一體化代表聯絡站',
      unit: '珠海市香洲區人大常委會',
      city: '珠海市',
      practices: '推動代表聯絡站點一體化建設。',
      outcomes: '',
      reason: '密切聯繫群眾。',
    },
  ],
  criteria: [],
  maxScore: 10,
  scores: [],
  reviews: [],
};

function pdfText(bytes: Uint8Array): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(bytes) }).toString('utf8');
}

describe('casebook export --pdf', () => {
  it('prints every case’s title and unit in order, each case from a new page, with the title and date in the running header', async () => {
    const bytes = await printAnnex(DATA, findChromium({ CHROMIUM_PATH: chromiumPath() }));
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdfText(bytes);
    const squashed = text.replace(/\s+/g, '');
    let at = squashed.indexOf('附件：第五屆廣東省縣鄉人大工作創新案例');
    expect(at).toBeGreaterThan(-1);
    for (const c of DATA.cases) {
      const title = squashed.indexOf(c.title, at);
      expect(title, c.title).toBeGreaterThan(at);
      const unit = squashed.indexOf(c.unit, title);
      expect(unit, c.unit).toBeGreaterThan(title);
      at = unit;
    }
    // the announcement keeps its numbers (項目四 after a withdrawal)
    expect(squashed).toContain('項目四：打造一體化代表聯絡站');
    // pages are separated by form feeds: each case starts a page, so each title opens one
    const pages = text.split('\f');
    for (const c of DATA.cases) {
      const page = pages.find((p) => p.replace(/\s+/g, '').includes(`：${c.title}`));
      expect(page, c.title).toBeDefined();
      // the running header: the round's title and the date on every page
      expect(page!.replace(/\s+/g, '')).toContain('第五屆廣東省縣鄉人大工作創新案例評選結果揭曉2023年6月10日');
    }
    // and no page holds two cases
    for (const page of pages) {
      const flat = page.replace(/\s+/g, '');
      expect(DATA.cases.filter((c) => flat.includes(`：${c.title}`)).length).toBeLessThanOrEqual(1);
    }
    // no navigation in print
    expect(squashed).not.toContain('简体中文');
    expect(squashed).not.toContain('搜尋案例');
    expect(squashed).not.toContain('查看案例頁面');
  }, 60_000);

  it('says clearly that no Chromium is installed, and how to get one', () => {
    expect(() => findChromium({ PATH: '/nonexistent' })).toThrow(/no Chromium is installed.*未安裝 Chromium/);
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(/is not an executable file.*可執行檔/);
    // the same rules as the tests' own lookup (local/executables.ts): a file that cannot run is no Chromium
    const dir = mkdtempSync(join(tmpdir(), 'casebook-no-chromium-'));
    try {
      writeFileSync(join(dir, 'chromium'), '#!/bin/sh\n', { mode: 0o644 });
      expect(() => findChromium({ PATH: dir })).toThrow(/no Chromium is installed/);
      chmodSync(join(dir, 'chromium'), 0o755);
      expect(findChromium({ PATH: dir })).toBe(join(dir, 'chromium'));
      expect(findChromium({ PATH: '/nonexistent', CHROMIUM_PATH: join(dir, 'chromium') })).toBe(join(dir, 'chromium'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
