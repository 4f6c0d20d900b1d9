import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { buildSnapshot, renderSite, sitePaths, type RenderedSite } from '../../../src/domain/site';
import { buildSearchIndex, foldText, queryRuns, searchIndex, type SearchIndex } from '../../../src/domain/site/search';
import { SEARCH_SCRIPT } from '../../../src/domain/site/search-script';
import { fileText } from './support';
import { publicationRound, smallRound, type CaseInput } from './fixtures';

const client = new Function(`${SEARCH_SCRIPT}\nreturn casebookSearch;`)() as { search(index: SearchIndex, query: string): number[] };

/** Texts shaped like the seed's: the words the issue names, a decoy whose pairs occur apart, one Simplified dossier. */
const CASES: CaseInput[] = [
  {
    caseId: 'c1',
    title: '開展“禾坪說事”活動的做法和成效',
    unitName: '河源市紫金縣鳳安鎮人大',
    city: '河源市',
    practices: '鳳安鎮人大把村民聚在禾坪上，圍繞村中大事小事議事協商。',
    reason: '把民主協商搬到群眾家門口。',
  },
  {
    caseId: 'c2',
    title: '踐行全過程人民民主 打造一體化代表聯絡站',
    unitName: '珠海市香洲區人大常委會',
    city: '珠海市',
    practices: '推動人大代表聯絡站點一體化建設。',
    reason: '通過代表聯絡站點一體化建設，密切代表同人民群眾聯繫。',
  },
  {
    caseId: 'c3',
    title: '“向人民匯報”直播活動',
    unitName: '深圳市羅湖區人大常委會',
    city: '深圳市',
    // 代表聯 (from 代表聯系) and 聯絡站 (from 社區聯絡站) are both here, 代表聯絡站 is not
    practices: '組織代表聯系選民，直播在社區聯絡站舉行。',
    reason: '使代表履職接受監督。',
  },
  {
    caseId: 'c4',
    title: '以“1+24+N”推进代表联络站标准化建设',
    unitName: '云浮市罗定市罗平镇人大',
    city: '云浮市',
    practices: '在镇建设代表联络站，常态化开展活动。',
    reason: '推进代表联络站规范化。',
  },
];

function siteWith(...rounds: Parameters<typeof buildSnapshot>[0]): RenderedSite {
  return renderSite(buildSnapshot(rounds), { baseUrl: 'https://cases.example.org/' });
}

function roundWith(cases: CaseInput[], roundId = 'r2023-05') {
  const round = publicationRound({ roundId, status: 'APPROVED', cases });
  // the Simplified dossier (c4) is written in Simplified; its unit is a township
  const c4 = round.cases.find((c) => c.record.caseId === 'c4');
  if (c4) {
    c4.script = 'hans';
    c4.record.level = 'township';
  }
  const c1 = round.cases.find((c) => c.record.caseId === 'c1');
  if (c1) c1.record.level = 'township';
  return round;
}

function indexOf(site: RenderedSite): SearchIndex {
  return JSON.parse(fileText(site, sitePaths.searchIndex)) as SearchIndex;
}

/** Units of the documents a query finds, read from the search page of a script (doc number → unit). */
function found(site: RenderedSite, query: string, script: 'hant' | 'hans' = 'hant'): string[] {
  const page = fileText(site, sitePaths.search(script));
  const units = new Map([...page.matchAll(/data-doc="(\d+)"[\s\S]*?class="case-unit">([^<]*)</g)].map((m) => [Number(m[1]), m[2]!]));
  const index = indexOf(site);
  const hits = searchIndex(index, query);
  // the browser's script gives the same answer as the TypeScript
  expect(client.search(index, query)).toEqual(hits);
  return hits.map((n) => units.get(n)!);
}

describe('the search tokeniser', () => {
  it('splits a query into runs of Han and of other letters and digits, folded to Simplified and lower case', () => {
    expect(queryRuns('禾坪說事，AP 3+3')).toEqual(['禾坪说事', 'ap', '3']);
    expect(queryRuns('代表聯絡站')).toEqual(['代表联络站']);
    expect(queryRuns('1+24+N推進')).toEqual(['1', '24', 'n', '推进']);
    expect(queryRuns(' ，。 ')).toEqual([]);
    expect(foldText('聯絡站ＡＢ')).toBe('联络站ab');
  });

  it('carries the fold of the mirror’s characters, so a Traditional query finds a Simplified round', () => {
    const index = buildSearchIndex([{ texts: ['推进代表联络站建设'], mirror: ['推進代表聯絡站建設'] }]);
    expect(index.fold['聯']).toBe('联');
    expect(index.fold['絡']).toBe('络');
    expect(searchIndex(index, '代表聯絡站')).toEqual([0]);
  });

  it('finds every document by any substring of its text, whatever the script of the query (property)', () => {
    const texts = CASES.map((c) => [c.title, c.unitName, c.practices, c.reason].join('\n'));
    const index = buildSearchIndex(texts.map((text) => ({ texts: [text] })));
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.nat(200), fc.integer({ min: 1, max: 8 }), fc.boolean(), (doc, start, length, simplified) => {
        const chars = [...texts[doc]!];
        const from = start % chars.length;
        const piece = chars.slice(from, from + length).join('');
        const query = simplified ? foldText(piece) : piece;
        const hits = searchIndex(index, query);
        // a piece with no letters matches everything; any other piece at least its own document
        expect(hits).toContain(doc);
        expect(client.search(index, query)).toEqual(hits);
      }),
      { numRuns: 300 },
    );
  });

  it('the browser script and the TypeScript agree on any query (property)', () => {
    const index = buildSearchIndex(CASES.map((c) => ({ texts: [c.title, c.unitName, c.practices, c.reason] })));
    const alphabet = [...new Set([...CASES.map((c) => c.title + c.practices).join(''), ' ', 'A', 'x', '１', '聯', '联'])];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 10 }), (chars) => {
        const query = chars.join('');
        expect(client.search(index, query)).toEqual(searchIndex(index, query));
      }),
      { numRuns: 300 },
    );
  });
});

describe('site search', () => {
  const site = siteWith(
    roundWith(CASES),
    smallRound('r2024-06', 'APPROVED', 'hans', [
      {
        caseId: 'd1',
        title: '代表联络站夜访',
        unitName: '广州市越秀区人大常委会',
        city: '广州市',
        practices: '夜间接待。',
        reason: '方便群众。',
      },
    ]),
  );

  it('禾坪 finds 河源市紫金縣鳳安鎮人大, in either script', () => {
    expect(found(site, '禾坪')).toEqual(['河源市紫金縣鳳安鎮人大']);
    expect(found(site, '禾坪说事', 'hans')).toEqual(['河源市紫金县凤安镇人大']);
  });

  it('代表聯絡站 finds every case that mentions it, across rounds and scripts, and not the one whose pairs occur apart', () => {
    // the office's unit names show as written on their round's pages (c4's round is Traditional; the name was typed in Simplified)
    const expected = ['珠海市香洲區人大常委會', '云浮市罗定市罗平镇人大', '廣州市越秀區人大常委會'];
    expect(found(site, '代表聯絡站').sort()).toEqual(expected.sort());
    expect(found(site, '代表联络站').sort()).toEqual(expected.sort());
    expect(found(site, '代表聯絡站')).not.toContain('深圳市羅湖區人大常委會');
  });

  it('a query of several words needs them all', () => {
    expect(found(site, '直播 羅湖')).toEqual(['深圳市羅湖區人大常委會']);
    expect(found(site, '直播 禾坪')).toEqual([]);
  });

  it('the search page lists every case by round without JavaScript and offers round, city and level filters', () => {
    for (const script of ['hant', 'hans'] as const) {
      const page = fileText(site, sitePaths.search(script));
      expect(page.match(/<li data-doc=/g)).toHaveLength(5);
      // newest round first
      expect(page.indexOf('data-round="r2024-06"')).toBeLessThan(page.indexOf('data-round="r2023-05"'));
      expect(page).toContain('<form class="search" role="search"');
      expect(page).toMatch(/<form class="search"[^>]* hidden>/);
      expect(page).toContain('<option value="r2023-05">');
      expect(page).toContain('<option value="township">');
      expect(page).toContain(script === 'hant' ? '<option value="河源市">河源市</option>' : '<option value="广州市">广州市</option>');
      expect(page).toContain('data-level="township"');
    }
    // every page links to the search page in its own script
    expect(fileText(site, sitePaths.case('hans', 'r2023-05', 'c1'))).toContain('<a href="../../../search.html">搜寻案例</a>');
  });

  it('a withdrawn case leaves the index and the search page with the same publish', () => {
    const withdrawnRound = roundWith(CASES);
    withdrawnRound.cases[0]!.record.status = 'WITHDRAWN';
    const after = siteWith(withdrawnRound);
    expect(found(after, '禾坪')).toEqual([]);
    expect(indexOf(after).texts.join('\n')).not.toContain('禾坪');
    expect(fileText(after, sitePaths.search('hant'))).not.toContain('禾坪');
  });

  it('a corrected case is found by its new words and not its old ones', () => {
    const corrected = roundWith(CASES);
    corrected.cases[0]!.practices = corrected.cases[0]!.practices.replace('禾坪', '曬谷場');
    corrected.cases[0]!.record.title = '開展“村民說事”活動的做法和成效';
    const after = siteWith(corrected);
    expect(found(after, '禾坪')).toEqual([]);
    expect(found(after, '晒谷场')).toEqual(['河源市紫金縣鳳安鎮人大']);
  });

  it('keeps personal data out of the index', () => {
    const round = roundWith([{ ...CASES[0]!, practices: '聯繫人：張三，手機13812345678。' }]);
    const index = fileText(siteWith(round), sitePaths.searchIndex);
    expect(index).not.toContain('13812345678');
  });
});
