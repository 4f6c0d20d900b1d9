/**
 * Where each file of the site lives. Paths come from ids the system minted (round and case ids),
 * never from applicant text, and links between pages are relative so the site works under any
 * prefix (CloudFront root, an s3rver bucket path, a directory on disk).
 */
import type { Script } from '../model';
import { sha256Hex } from './snapshot';

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** An id as a path segment: itself when it is a plain token, otherwise a stable hash of it. */
export function pathSegment(id: string): string {
  return SAFE_ID.test(id) ? id : `h${sha256Hex(id).slice(0, 32)}`;
}

export const sitePaths = {
  root: 'index.html',
  notFound: '404.html',
  stylesheet: 'assets/site.css',
  sitemap: 'sitemap.xml',
  robots: 'robots.txt',
  searchIndex: 'data/search-index.json',
  searchScript: 'assets/search.js',
  search: (script: Script) => `${script}/search.html`,
  siteIndex: (script: Script) => `${script}/index.html`,
  feed: (script: Script) => `${script}/feed.xml`,
  round: (script: Script, roundId: string) => `${script}/rounds/${pathSegment(roundId)}/index.html`,
  changes: (script: Script, roundId: string) => `${script}/rounds/${pathSegment(roundId)}/changes.html`,
  objectionReceived: (script: Script, roundId: string) => `${script}/rounds/${pathSegment(roundId)}/objection-received.html`,
  case: (script: Script, roundId: string, caseId: string) => `${script}/rounds/${pathSegment(roundId)}/cases/${pathSegment(caseId)}.html`,
  roundJson: (roundId: string) => `data/rounds/${pathSegment(roundId)}.json`,
  roundCsv: (roundId: string) => `data/rounds/${pathSegment(roundId)}.csv`,
};

/**
 * Relative URL from the file at `from` to the file at `to` (both site paths).
 *
 * Called for every link of every page (a round of 1,000 cases makes hundreds of thousands of
 * calls), so it walks the two strings once instead of splitting them: the common directories end
 * at the last `/` inside their common prefix.
 */
export function relativeUrl(from: string, to: string): string {
  const n = Math.min(from.length, to.length);
  let lastSlash = -1;
  for (let i = 0; i < n && from.charCodeAt(i) === to.charCodeAt(i); i++) {
    if (from.charCodeAt(i) === 47 /* / */) lastSlash = i;
  }
  let up = 0;
  for (let j = lastSlash + 1; j < from.length; j++) if (from.charCodeAt(j) === 47) up++;
  return (UP[up] ?? '../'.repeat(up)) + to.slice(lastSlash + 1);
}

/** `../` repeated, for the depths site paths have: made once instead of on every link. */
const UP: readonly string[] = Array.from({ length: 8 }, (_, n) => '../'.repeat(n));

/** The base URL with exactly one trailing slash. */
export function normalizeBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '') + '/';
}
