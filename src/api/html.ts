/**
 * Small, self-contained HTML answers of the API for people using a browser without JavaScript:
 * the office dashboard page, the answer to the public objection form and error pages.
 *
 * The API origin serves no stylesheet and the pages carry no inline script or style, so the
 * strict policy below holds: a page can show its text, tables and inline SVG and nothing else.
 */
import type { Bilingual } from '../domain/model';
import { escapeXml } from '../domain/charts';
import type { ApiError } from './errors';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

export const HTML_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface PageSpec {
  title: string;
  /** BCP 47 tag of the page's text. */
  lang?: string;
  /** Body markup: callers escape every value they interpolate (see `esc`). */
  main: string;
}

export const esc = escapeXml;

export function htmlPage(spec: PageSpec): string {
  return (
    `<!doctype html>\n<html lang="${esc(spec.lang ?? 'zh-Hant')}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n` +
    `<title>${esc(spec.title)}</title>\n</head>\n<body>\n<main>\n${spec.main}\n</main>\n</body>\n</html>\n`
  );
}

/** A message in both languages: Chinese first, English marked as such for screen readers. */
export function bilingualHtml(m: Bilingual): string {
  return `<p>${esc(m.zh)}</p>\n<p lang="en">${esc(m.en)}</p>`;
}

/** An error as a page: the code, the message in zh and en, and each field's problem. */
export function errorPage(err: ApiError, back?: { href: string; label: string }): string {
  const issues = err.issues?.length
    ? `<h2>需要修正的欄位</h2>\n<ul>${err.issues.map((i) => `<li><strong>${esc(i.field)}</strong>：${esc(i.message.zh)} <span lang="en">(${esc(i.message.en)})</span></li>`).join('')}</ul>`
    : '';
  const link = back ? `\n<p><a href="${esc(back.href)}">${esc(back.label)}</a></p>` : '';
  return htmlPage({
    title: `未能完成請求（${err.status}）`,
    main: `<h1>未能完成請求（${err.status}）</h1>\n${bilingualHtml(err.bilingual)}\n<p>錯誤代碼：<code>${esc(err.code)}</code></p>\n${issues}${link}`,
  });
}

/**
 * Whether the caller would rather read HTML than JSON: `?format=html`, or an Accept header that
 * ranks text/html above application/json. A bare or wildcard Accept keeps JSON (scripts, fetch).
 */
export function prefersHtml(accept: string | undefined, format: string | undefined): boolean {
  if (format === 'html') return true;
  if (format === 'json') return false;
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const t = type.trim();
    if (t === 'text/html') html = Math.max(html, q);
    if (t === 'application/json') json = Math.max(json, q);
  }
  return html > 0 && html > json;
}
