/** Helpers to read rendered files in tests without a DOM. */
import type { RenderedSite } from '../../../src/domain/site';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

export function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
}

export function textOf(markup: string): string {
  return unescapeHtml(markup.replace(/<[^>]+>/g, ''));
}

export function fileText(site: RenderedSite, path: string): string {
  const file = site.files.get(path);
  if (!file) throw new Error(`no file ${path}; have ${[...site.files.keys()].join(', ')}`);
  return typeof file.body === 'string' ? file.body : Buffer.from(file.body).toString('utf8');
}

export function htmlPaths(site: RenderedSite): string[] {
  return [...site.files.keys()].filter((p) => p.endsWith('.html'));
}

export interface AnnexEntry {
  number: string;
  title: string;
  unit: string;
  practices: string;
  reason: string;
}

/** The annex articles of a round page, in document order. */
export function annexEntries(page: string): AnnexEntry[] {
  const articles = page.split('<article class="case"').slice(1);
  return articles.map((article) => {
    const grab = (pattern: RegExp) => {
      const m = pattern.exec(article);
      if (!m) throw new Error(`pattern ${pattern} not found in article`);
      return m[1]!;
    };
    return {
      number: textOf(grab(/<span class="case-number">([\s\S]*?)<\/span>/)),
      title: textOf(grab(/<span class="case-title">([\s\S]*?)<\/span>/)),
      unit: textOf(grab(/<span class="case-unit">([\s\S]*?)<\/span>/)),
      practices: textOf(grab(/<div class="case-practices"><p class="field-label">[^<]*<\/p>([\s\S]*?)<\/div>/)),
      reason: textOf(grab(/<div class="case-reason"><p class="field-label">[^<]*<\/p>([\s\S]*?)<\/div>/)),
    };
  });
}

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF), for checking the CSV we write. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && input[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
