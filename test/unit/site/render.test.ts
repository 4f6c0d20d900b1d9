import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import {
  buildSnapshot,
  OPEN_DATA_COLUMNS,
  relativeUrl,
  renderSite,
  sha256Hex,
  sitePaths,
  snapshotSha256,
  type RenderedSite,
} from '../../../src/domain/site';
import { chineseNumeral, chineseDate } from '../../../src/domain/site/format';
import { html, trustedHtml } from '../../../src/domain/site/html';
import { REDACTED } from '../../../src/domain/site/redact';
import { readSeedAnnouncement, seedPublicationRound, smallRound, type CaseInput } from './fixtures';
import { annexEntries, fileText, htmlPaths, parseCsv, textOf } from './support';

const BASE = 'https://cases.example.org/';
const API = 'https://api.example.org';

const XSS_TITLE = '<img src=x onerror=alert(1)>"\'&';
const XSS_PRACTICES = '<script>alert("practices")</script>一是<b>加強</b>聯絡站建設。';

function cases(n: number, extra: Partial<CaseInput> = {}): CaseInput[] {
  return Array.from({ length: n }, (_, i) => ({
    caseId: `c${i + 1}`,
    title: `代表聯絡站建設案例${i + 1}`,
    unitName: `廣州市第${i + 1}區人大常委會`,
    city: '廣州市',
    practices: `一是規範建站。二是常態化組織活動。第${i + 1}個案例的做法。`,
    outcomes: `收集意見建議${i + 10}條。`,
    reason: `搭建代表履職直通車，成效明顯（${i + 1}）。`,
    ...extra,
  }));
}

function render(...rounds: Parameters<typeof buildSnapshot>[0]): RenderedSite {
  return renderSite(buildSnapshot(rounds), { baseUrl: BASE, apiBaseUrl: API });
}

describe('html template', () => {
  it('escapes interpolated values and keeps nested templates', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<a>', 1]}${null}${false}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;a&gt;1</p>',
    );
    expect(html`${trustedHtml('<hr>')}`.value).toBe('<hr>');
  });
});

describe('formatting', () => {
  it('writes Chinese numerals as the announcements do', () => {
    expect([1, 5, 10, 11, 12, 20, 21, 100, 105, 110, 1000, 1001].map(chineseNumeral)).toEqual([
      '一',
      '五',
      '十',
      '十一',
      '十二',
      '二十',
      '二十一',
      '一百',
      '一百零五',
      '一百一十',
      '一千',
      '一千零一',
    ]);
  });
  it('prints dates in the office time zone', () => {
    expect(chineseDate('2023-06-09T18:30:00Z')).toBe('2023年6月10日');
  });
});

describe('renderSite', () => {
  it('golden: the seed round page lists the 12 cases in order with unit, practices and reason', () => {
    const seed = readSeedAnnouncement();
    expect(seed.cases).toHaveLength(12);
    const site = render(seedPublicationRound(seed));
    const page = fileText(site, sitePaths.round('hant', 'r2023-05'));
    expect(seed.title).toBe('第五屆廣東省縣鄉人大工作創新案例評選結果揭曉');
    expect(textOf(/<h1>([\s\S]*?)<\/h1>/.exec(page)![1]!)).toBe(seed.title);
    expect(textOf(page)).toContain('以“發展和完善全過程人民民主的基層實踐”為主題');
    const annex = annexEntries(page);
    expect(annex.map((a) => a.number)).toEqual(seed.cases.map((c) => `項目${chineseNumeral(c.order)}`));
    expect(annex.map((a) => a.title)).toEqual(seed.cases.map((c) => c.title));
    expect(annex.map((a) => a.unit)).toEqual(seed.cases.map((c) => c.unit));
    expect(annex.map((a) => a.practices)).toEqual(seed.cases.map((c) => c.practices));
    expect(annex.map((a) => a.reason)).toEqual(seed.cases.map((c) => c.reason));
    // the selected list names every unit with its title, in the same order
    const listed = [...page.matchAll(/<li value="(\d+)"><span class="case-unit">([^<]*)<\/span>/g)].map((m) => [
      Number(m[1]),
      textOf(m[2]!),
    ]);
    expect(listed).toEqual(seed.cases.map((c) => [c.order, c.unit]));
  });

  it('escapes applicant text everywhere: pages, feed, form options', () => {
    const round = smallRound(
      'r1',
      'NOTICE',
      'hant',
      cases(2).map((c, i) => (i === 0 ? { ...c, title: XSS_TITLE, practices: XSS_PRACTICES } : c)),
    );
    const site = render(round);
    // HTML and XML; the open data carries the text itself, as data
    for (const path of [...site.files.keys()].filter((p) => /\.(html|xml)$/.test(p))) {
      const body = fileText(site, path);
      expect(body, path).not.toContain('<img src=x');
      expect(body, path).not.toContain('<script>alert');
      expect(body, path).not.toContain('<b>加強</b>');
    }
    const casePage = fileText(site, sitePaths.case('hant', 'r1', 'c1'));
    expect(casePage).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(casePage).toContain('&lt;script&gt;alert(&quot;practices&quot;)&lt;/script&gt;');
    expect(fileText(site, sitePaths.round('hant', 'r1'))).toContain('<option value="c1">項目一：&lt;img');
    expect(JSON.parse(fileText(site, sitePaths.roundJson('r1'))).cases[0].title).toBe(XSS_TITLE);
  });

  it('has no inline script, style or event handler on any page', () => {
    const site = render(seedPublicationRound(), smallRound('r6', 'NOTICE', 'hans', cases(3)));
    for (const path of htmlPaths(site)) {
      const body = fileText(site, path);
      // the only script is the search page's, from the site's own assets, with no inline code
      const scripts = body.match(/<script[^>]*>[^<]*<\/script>|<script/gi) ?? [];
      expect(scripts, path).toEqual(path.endsWith('/search.html') ? ['<script src="../assets/search.js" defer></script>'] : []);
      expect(body, path).not.toMatch(/<style/i);
      expect(body, path).not.toMatch(/\sstyle=/i);
      expect(body, path).not.toMatch(/\son[a-z]+=/i);
      expect(body, path).not.toMatch(/javascript:/i);
      expect(body.match(/<link rel="stylesheet"/g), path).toHaveLength(1);
    }
  });

  it('removes personal data before any file is written', () => {
    const personal = '聯繫人：張三，電話：020-83331234，手機13812345678，身份證440104199001011234，郵箱zhang.san@example.com。';
    const round = smallRound(
      'r1',
      'APPROVED',
      'hant',
      cases(1, { practices: `一是建站。${personal}`, outcomes: '聯繫電話 13912345678', reason: '手機 +86 139-1234-5678' }),
    );
    const site = render(round);
    for (const path of site.files.keys()) {
      const body = fileText(site, path);
      for (const secret of [
        '張三',
        '83331234',
        '13812345678',
        '440104199001011234',
        'zhang.san@example.com',
        '13912345678',
        '139-1234-5678',
      ]) {
        expect(body, `${path} leaks ${secret}`).not.toContain(secret);
      }
    }
    expect(fileText(site, sitePaths.case('hant', 'r1', 'c1'))).toContain(REDACTED);
    // figures in ordinary text stay
    const seedSite = render(seedPublicationRound());
    expect(fileText(seedSite, sitePaths.round('hant', 'r2023-05'))).toContain('近28000名群眾');
  });

  it('renders the whole site in both scripts with lang attributes and a working switch link on every page', () => {
    const site = render(
      seedPublicationRound(),
      smallRound(
        'r6',
        'APPROVED',
        'hans',
        cases(2).map((c) => ({ ...c, title: '代表联络站建设', unitName: '广州市越秀区人大常委会' })),
      ),
    );
    for (const path of htmlPaths(site)) {
      if (path === sitePaths.notFound) continue;
      const body = fileText(site, path);
      const script = path.startsWith('hans/') ? 'hans' : 'hant';
      expect(body, path).toContain(`<html lang="${script === 'hans' ? 'zh-Hans' : 'zh-Hant'}">`);
      const switchHref = /<nav class="language-switch"[^>]*><a href="([^"]+)"/.exec(body)?.[1];
      expect(switchHref, path).toBeDefined();
      const target = new URL(switchHref!, `https://x/${path}`).pathname.slice(1);
      expect(site.files.has(target), `${path} → ${target}`).toBe(true);
      if (path !== sitePaths.root) expect(target.split('/').slice(1)).toEqual(path.split('/').slice(1));
    }
    // traditional data shown as written, simplified mirror converted; and the other way round
    expect(fileText(site, sitePaths.case('hant', 'r2023-05', 'c003'))).toContain('打造一體化代表聯絡站');
    expect(fileText(site, sitePaths.case('hans', 'r2023-05', 'c003'))).toContain('打造一体化代表联络站');
    expect(fileText(site, sitePaths.case('hans', 'r6', 'c1'))).toContain('<h1>代表联络站建设</h1>');
    expect(fileText(site, sitePaths.case('hant', 'r6', 'c1'))).toContain('<h1>代表聯絡站建設</h1>');
    expect(fileText(site, sitePaths.case('hant', 'r6', 'c1'))).toContain(
      `<link rel="canonical" href="${BASE}hans/rounds/r6/cases/c1.html">`,
    );
  });

  it('links only to files that exist', () => {
    const site = render(seedPublicationRound(), smallRound('r6', 'NOTICE', 'hant', cases(3)));
    for (const path of htmlPaths(site)) {
      if (path === sitePaths.notFound) continue;
      for (const m of fileText(site, path).matchAll(/(?:href|src)="([^"#]+)(?:#[^"]*)?"/g)) {
        const href = m[1]!;
        if (/^https?:/.test(href)) continue;
        const target = new URL(href, `https://x/${path}`).pathname.slice(1);
        expect(site.files.has(target), `${path} links to missing ${target}`).toBe(true);
      }
    }
  });

  it('lists rounds newest first on the index', () => {
    const site = render(
      smallRound('a', 'APPROVED', 'hant', cases(1), 4),
      smallRound('b', 'APPROVED', 'hant', cases(1), 6),
      seedPublicationRound(),
    );
    const index = fileText(site, sitePaths.siteIndex('hant'));
    const order = [...index.matchAll(/<a href="rounds\/([^/]+)\/index.html">/g)].map((m) => m[1]);
    // year first (2024 before the seed's 2023), then the round number
    expect(order).toEqual(['b', 'a', 'r2023-05']);
  });

  it('shows the notice with its end date and an objection form posting to the API, and replaces it when approved', () => {
    const notice = smallRound('r7', 'NOTICE', 'hant', cases(3));
    notice.round.noticeEndsAt = '2024-07-08T00:00:00+08:00';
    const site = render(notice);
    const page = fileText(site, sitePaths.round('hant', 'r7'));
    expect(page).toContain('擬入選項目公示');
    expect(page).toContain('<time datetime="2024-07-08">2024年7月8日</time>');
    expect(page).toContain(`<form class="objection" method="post" action="${API}/rounds/r7/objections"`);
    expect(page).toMatch(/<select id="objection-case" name="caseId" required>/);
    expect(page).toMatch(/<textarea id="objection-text" name="text"/);
    expect(site.files.has(sitePaths.objectionReceived('hant', 'r7'))).toBe(true);

    const approved = smallRound('r7', 'APPROVED', 'hant', cases(3));
    const after = render(approved);
    const announcement = fileText(after, sitePaths.round('hant', 'r7'));
    expect(announcement).toContain('評選結果揭曉');
    expect(announcement).not.toContain('<form');
    expect(after.files.has(sitePaths.objectionReceived('hant', 'r7'))).toBe(false);
  });

  it('does not publish rounds before the public notice', () => {
    const site = render(smallRound('r8', 'SHORTLISTED', 'hant', cases(2)));
    expect([...site.files.keys()].some((p) => p.includes('r8'))).toBe(false);
  });

  it('is deterministic and its manifest hashes every file', () => {
    const rounds = [seedPublicationRound(), smallRound('r6', 'NOTICE', 'hans', cases(3))];
    const a = render(...rounds);
    const b = render(...[...rounds].reverse());
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [path, file] of a.files) expect(fileText(b, path), path).toBe(file.body);
    expect(a.manifest).toEqual(b.manifest);
    expect(Object.keys(a.manifest.files)).toEqual([...a.files.keys()]);
    for (const [path, file] of a.files) expect(a.manifest.files[path]!.sha256).toBe(sha256Hex(Buffer.from(file.body as string, 'utf8')));
    expect(a.manifest.snapshotSha256).toBe(snapshotSha256(buildSnapshot(rounds)));
    const changed = smallRound('r6', 'NOTICE', 'hans', cases(3, { reason: '不同的理由' }));
    expect(render(rounds[0]!, changed).manifest.snapshotSha256).not.toBe(a.manifest.snapshotSha256);
  });

  it('publishes JSON and CSV with the same content', () => {
    const round = smallRound('r9', 'APPROVED', 'hant', cases(3, { practices: '一是，"引號"\n二是換行', outcomes: '=SUM(A1)' }));
    round.cases[1]!.record.corrections = [{ at: '2024-07-01T00:00:00Z', by: 'office', note: '更正單位名稱' }];
    const site = render(round);
    const json = JSON.parse(fileText(site, sitePaths.roundJson('r9')));
    const [header, ...rows] = parseCsv(fileText(site, sitePaths.roundCsv('r9')));
    expect(header).toEqual([...OPEN_DATA_COLUMNS]);
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      const expected = OPEN_DATA_COLUMNS.map((col) => String(json.cases[i][col]));
      // spreadsheet formula guard is the one intended difference
      expect(row.map((cell) => cell.replace(/^'(?=[=+\-@])/, ''))).toEqual(expected);
    });
    expect(rows[0]![OPEN_DATA_COLUMNS.indexOf('outcomes')]).toBe("'=SUM(A1)");
    expect(json.round).toMatchObject({ roundId: 'r9', number: 6, status: 'APPROVED', lang: 'zh-Hant' });
  });

  it('a correction changes only the pages that show the case, with a visible note and a changelog entry', () => {
    const before = render(seedPublicationRound(), smallRound('r6', 'APPROVED', 'hant', cases(3)));
    const corrected = seedPublicationRound();
    const target = corrected.cases[3]!;
    target.practices = target.practices.replace('三年行動計劃', '三年行動方案');
    target.record.corrections = [{ at: '2023-07-01T09:00:00+08:00', by: 'office-1', note: '更正主要做法中的文件名稱' }];
    const after = render(corrected, smallRound('r6', 'APPROVED', 'hant', cases(3)));
    const changed = Object.keys(after.manifest.files).filter((p) => after.manifest.files[p]!.sha256 !== before.manifest.files[p]?.sha256);
    expect(changed.sort()).toEqual(
      [
        'data/rounds/r2023-05.csv',
        'data/rounds/r2023-05.json',
        // the search index holds the practices' text
        'data/search-index.json',
        'hans/feed.xml',
        'hans/rounds/r2023-05/cases/c004.html',
        'hans/rounds/r2023-05/changes.html',
        'hans/rounds/r2023-05/index.html',
        'hant/feed.xml',
        'hant/rounds/r2023-05/cases/c004.html',
        'hant/rounds/r2023-05/changes.html',
        'hant/rounds/r2023-05/index.html',
      ].sort(),
    );
    const casePage = fileText(after, sitePaths.case('hant', 'r2023-05', 'c004'));
    expect(casePage).toContain('<p class="updated">已更新（更新於<time datetime="2023-07-01">2023年7月1日</time>）</p>');
    expect(casePage).toContain('三年行動方案');
    const changes = fileText(after, sitePaths.changes('hant', 'r2023-05'));
    expect(textOf(changes)).toContain('更正主要做法中的文件名稱');
    expect(changes).not.toContain('office-1');
  });

  it('a withdrawn case disappears from the pages and the withdrawal is listed', () => {
    const round = seedPublicationRound();
    const withdrawn = round.cases[1]!;
    withdrawn.record.status = 'WITHDRAWN';
    withdrawn.record.updatedAt = '2023-07-02T00:00:00Z';
    const site = render(round);
    expect(site.files.has(sitePaths.case('hant', 'r2023-05', 'c002'))).toBe(false);
    expect(site.files.has(sitePaths.case('hans', 'r2023-05', 'c002'))).toBe(false);
    const page = fileText(site, sitePaths.round('hant', 'r2023-05'));
    const annex = annexEntries(page);
    expect(annex).toHaveLength(11);
    expect(annex.map((a) => a.number)).not.toContain('項目二');
    expect(annex.map((a) => a.number)).toContain('項目三');
    expect(page).not.toContain(withdrawn.practices.slice(0, 30));
    expect(textOf(page)).toContain('撤銷的項目');
    expect(textOf(page)).toContain('項目二：“‘向人民匯報全過程人民民主的實踐’直播活動”（深圳市羅湖區人大常委會）');
    expect(textOf(fileText(site, sitePaths.changes('hant', 'r2023-05')))).toContain('深圳市羅湖區人大常委會');
    expect(textOf(page)).toContain('等11個項目');
    const json = JSON.parse(fileText(site, sitePaths.roundJson('r2023-05')));
    expect(json.cases[1]).toMatchObject({ caseId: 'c002', practices: '', withdrawnAt: '2023-07-02T00:00:00Z' });
  });

  it('uses ids the system minted in URLs, never applicant text', () => {
    const round = smallRound('r1', 'APPROVED', 'hant', [{ ...cases(1)[0]!, caseId: '../../etc/passwd', title: '../../evil' }]);
    const site = render(round);
    for (const path of site.files.keys()) {
      expect(path).not.toContain('..');
      expect(path).not.toContain('evil');
    }
    expect(relativeUrl('hant/rounds/r1/index.html', 'hant/rounds/r1/cases/x.html')).toBe('cases/x.html');
    expect(relativeUrl('hant/rounds/r1/cases/x.html', 'assets/site.css')).toBe('../../../../assets/site.css');
  });

  it('writes feeds, sitemap and robots from data only', () => {
    const site = render(seedPublicationRound());
    const feed = fileText(site, sitePaths.feed('hant'));
    expect(feed).toContain('<updated>2023-06-10T02:00:00Z</updated>');
    expect(feed).toContain(`href="${BASE}hant/rounds/r2023-05/index.html"`);
    const sitemap = fileText(site, sitePaths.sitemap);
    expect(sitemap).toContain(`<loc>${BASE}hans/rounds/r2023-05/cases/c012.html</loc>`);
    expect(sitemap).not.toContain('404.html');
    expect(fileText(site, sitePaths.robots)).toBe(`User-agent: *\nAllow: /\nSitemap: ${BASE}sitemap.xml\n`);
  });
});

describe('relativeUrl agrees with a segment-by-segment reference', () => {
  // the straightforward definition the fast version must keep
  const reference = (from: string, to: string) => {
    const fromDirs = from.split('/').slice(0, -1);
    const toParts = to.split('/');
    let common = 0;
    while (common < fromDirs.length && common < toParts.length - 1 && fromDirs[common] === toParts[common]) common++;
    return '../'.repeat(fromDirs.length - common) + toParts.slice(common).join('/');
  };
  it('on generated site paths', async () => {
    const fc = (await import('fast-check')).default;
    const segment = fc.constantFrom('a', 'ab', 'b', 'hant', 'hans', 'rounds', 'r1', 'r10', 'cases', 'x.html', 'index.html');
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((p) => p.join('/'));
    fc.assert(
      fc.property(path, path, (from, to) => relativeUrl(from, to) === reference(from, to)),
      { numRuns: 2000 },
    );
  });
});

describe('a dossier written in the other script', () => {
  it('reads in Traditional on the Traditional pages and as written on the Simplified ones; the office text stays as written', () => {
    const round = smallRound('r-mixed', 'APPROVED', 'hant', [
      {
        caseId: 'c1',
        title: '创新实施工作新机制',
        unitName: '佛山市高明區人大常委會',
        practices: '一是加强培训指导。二是建立闭环办理机制。',
        reason: '辦成率持續提升。',
      },
    ]);
    round.cases[0] = { ...round.cases[0]!, script: 'hans' };
    const site = render(round);
    const hant = fileText(site, sitePaths.case('hant', 'r-mixed', 'c1'));
    const hans = fileText(site, sitePaths.case('hans', 'r-mixed', 'c1'));
    expect(hant).toContain('創新實施工作新機制');
    expect(hant).toContain('加強培訓指導');
    expect(hant).not.toContain('创新实施');
    expect(hant).toContain('辦成率持續提升');
    expect(hans).toContain('创新实施工作新机制');
    expect(hans).toContain('办成率持续提升');
  });
});
