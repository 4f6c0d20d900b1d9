/**
 * Renders a whole site from a snapshot: pure, deterministic (the same snapshot and options give
 * byte-identical files; the only times printed come from the data) and with personal data
 * removed before any text is placed on a page.
 */
import type { Script } from '../model';
import { labelsFor } from './labels';
import { atomFeed, openDataRows, robotsTxt, roundCsv, roundJson, sitemap } from './opendata';
import {
  announcementPage,
  casePage,
  changesPage,
  noticePage,
  notFoundPage,
  objectionReceivedPage,
  searchPage,
  siteIndexPage,
  type PageOptions,
  type RoundView,
} from './pages';
import { normalizeBaseUrl, sitePaths } from './paths';
import { redactPersonalData } from './redact';
import { buildSearchIndex, type SearchDocument } from './search';
import { SEARCH_SCRIPT } from './search-script';
import { convertTo } from './script';
import { sha256Hex, snapshotSha256, type SiteCase, type SiteRound, type SiteSnapshot } from './snapshot';
import { STYLESHEET } from './style';

export interface SiteFile {
  body: Uint8Array | string;
  contentType: string;
}

export interface ManifestEntry {
  sha256: string;
  size: number;
  contentType: string;
}

export interface SiteManifest {
  format: 'casebook-site-manifest/1';
  /** SHA-256 of the canonical JSON of the snapshot the files were rendered from. */
  snapshotSha256: string;
  /** Every file by path, sorted by path. */
  files: Record<string, ManifestEntry>;
}

export interface RenderOptions {
  /** Public base URL of the site (feeds, sitemap, canonical links). */
  baseUrl: string;
  /** Base URL of the HTTP API, for the objection form. Defaults to `<baseUrl>api`. */
  apiBaseUrl?: string;
}

export interface RenderedSite {
  files: Map<string, SiteFile>;
  manifest: SiteManifest;
}

/** Both scripts, traditional first; a local list so the renderer does not load the model's schemas. */
const SCRIPTS: readonly Script[] = ['hant', 'hans'];

export const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

/** The manifest lives beside the site; it is not part of its own file list. */
export const MANIFEST_PATH = 'site-manifest.json';

export function renderSite(snapshot: SiteSnapshot, options: RenderOptions): RenderedSite {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const pageOptions: PageOptions = {
    baseUrl,
    apiBaseUrl: (options.apiBaseUrl ?? `${baseUrl}api`).replace(/\/+$/, ''),
    chrome: new Map(),
  };
  const rounds = snapshot.rounds.map(redactRound);
  const files = new Map<string, SiteFile>();
  const htmlPages: string[] = [];
  const page = (path: string, body: string, indexed = true) => {
    files.set(path, { body, contentType: CONTENT_TYPES.html });
    if (indexed) htmlPages.push(path);
  };

  // Each text is converted once per script, then shared by every page that shows it.
  const roundsByScript = new Map(SCRIPTS.map((script) => [script, rounds.map((round) => inScript(round, script))]));
  // Search: one document per case on the site, numbered in snapshot order; each script's page
  // finds its cases' numbers through its own (converted) case objects.
  const searchDocs: SearchDocument[] = [];
  const searchEntries = new Map<Script, Map<SiteCase, number>>(SCRIPTS.map((script) => [script, new Map()]));
  rounds.forEach((round, r) => {
    round.cases.forEach((c, k) => {
      if (c.withdrawn) return;
      const n = searchDocs.length;
      for (const script of SCRIPTS) searchEntries.get(script)!.set(roundsByScript.get(script)![r]!.cases[k]!, n);
      // folding makes the two scripts' texts one, so the round's own pages' texts are indexed
      const texts = (script: Script) => {
        const shown = roundsByScript.get(script)![r]!.cases[k]!;
        return [shown.title, shown.unit.name, shown.unit.city, shown.practices, shown.outcomes, shown.reason];
      };
      searchDocs.push({ texts: texts(round.script), mirror: texts(round.script === 'hant' ? 'hans' : 'hant') });
    });
  });

  for (const script of SCRIPTS) {
    const labels = labelsFor(script);
    const views: RoundView[] = roundsByScript.get(script)!.map((round) => ({ round, labels, script }));
    page(
      sitePaths.siteIndex(script),
      siteIndexPage(
        sitePaths.siteIndex(script),
        script,
        labels,
        views.map((v) => v.round),
        pageOptions,
      ),
    );
    page(
      sitePaths.search(script),
      searchPage(
        sitePaths.search(script),
        script,
        labels,
        views.map((v) => v.round),
        searchEntries.get(script)!,
        pageOptions,
      ),
    );
    for (const view of views) {
      const { round } = view;
      const roundPath = sitePaths.round(script, round.roundId);
      if (round.status === 'NOTICE') {
        page(roundPath, noticePage(roundPath, view, pageOptions));
        const received = sitePaths.objectionReceived(script, round.roundId);
        page(received, objectionReceivedPage(received, view, pageOptions), false);
      } else {
        page(roundPath, announcementPage(roundPath, view, pageOptions));
      }
      const changes = sitePaths.changes(script, round.roundId);
      page(changes, changesPage(changes, view, pageOptions));
      for (const c of round.cases) {
        if (c.withdrawn) continue;
        const casePath = sitePaths.case(script, round.roundId, c.caseId);
        page(casePath, casePage(casePath, view, c, pageOptions));
      }
    }
    files.set(sitePaths.feed(script), {
      body: atomFeed(
        script,
        views.map((v) => v.round),
        baseUrl,
      ),
      contentType: CONTENT_TYPES.atom,
    });
  }

  // The bare address shows the index in the script most rounds are written in (traditional on a tie).
  const rootScript = preferredScript(rounds);
  page(
    sitePaths.root,
    siteIndexPage(sitePaths.root, rootScript, labelsFor(rootScript), roundsByScript.get(rootScript)!, pageOptions),
    false,
  );
  page(sitePaths.notFound, notFoundPage(pageOptions), false);

  for (const round of rounds) {
    const rows = openDataRows(round, baseUrl);
    files.set(sitePaths.roundJson(round.roundId), { body: roundJson(round, baseUrl, rows), contentType: CONTENT_TYPES.json });
    files.set(sitePaths.roundCsv(round.roundId), { body: roundCsv(round, baseUrl, rows), contentType: CONTENT_TYPES.csv });
  }
  files.set(sitePaths.searchIndex, { body: JSON.stringify(buildSearchIndex(searchDocs)), contentType: CONTENT_TYPES.json });
  files.set(sitePaths.searchScript, { body: SEARCH_SCRIPT, contentType: CONTENT_TYPES.js });
  files.set(sitePaths.stylesheet, { body: STYLESHEET, contentType: CONTENT_TYPES.css });
  files.set(sitePaths.sitemap, { body: sitemap(htmlPages, baseUrl), contentType: CONTENT_TYPES.xml });
  files.set(sitePaths.robots, { body: robotsTxt(baseUrl), contentType: CONTENT_TYPES.text });

  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, manifest: buildManifest(sorted, snapshotSha256(snapshot)) };
}

export function buildManifest(files: ReadonlyMap<string, SiteFile>, snapshotHash: string): SiteManifest {
  const entries: Record<string, ManifestEntry> = {};
  // Every page is encoded to UTF-8 exactly once, into one scratch buffer reused for all files:
  // hashing a string encodes it internally and Buffer.byteLength walks it again for the size,
  // and a fresh Buffer per page would leave megabytes of garbage per render. UTF-8 takes at most
  // 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units; a lone surrogate: 3).
  let longest = 0;
  for (const file of files.values()) if (typeof file.body === 'string' && file.body.length > longest) longest = file.body.length;
  const scratch = Buffer.allocUnsafeSlow(longest * 3);
  for (const path of [...files.keys()].sort()) {
    const file = files.get(path)!;
    let bytes: Uint8Array;
    if (typeof file.body === 'string') {
      const written = scratch.write(file.body, 0, 'utf8');
      bytes = scratch.subarray(0, written);
    } else {
      bytes = file.body;
    }
    entries[path] = { sha256: sha256Hex(bytes), size: bytes.byteLength, contentType: file.contentType };
  }
  return { format: 'casebook-site-manifest/1', snapshotSha256: snapshotHash, files: entries };
}

export function serializeManifest(manifest: SiteManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

/**
 * A round as its pages show it in a script: personal data removed, every text in that script.
 * The exports (Word, print) use it so they say exactly what the published pages say.
 */
export function publicRound(round: SiteRound, script: Script = round.script): SiteRound {
  return inScript(redactRound(round), script);
}

function preferredScript(rounds: readonly SiteRound[]): Script {
  const hans = rounds.filter((r) => r.script === 'hans').length;
  return hans > rounds.length - hans ? 'hans' : 'hant';
}

function redactCase(c: SiteCase): SiteCase {
  return {
    ...c,
    title: redactPersonalData(c.title),
    unit: { name: redactPersonalData(c.unit.name), city: redactPersonalData(c.unit.city) },
    practices: redactPersonalData(c.practices),
    outcomes: redactPersonalData(c.outcomes),
    reason: redactPersonalData(c.reason),
    corrections: c.corrections.map((x) => ({ at: x.at, note: redactPersonalData(x.note) })),
  };
}

function redactRound(round: SiteRound): SiteRound {
  return { ...round, theme: redactPersonalData(round.theme), cases: round.cases.map(redactCase) };
}

/**
 * The round's texts in a script. The office's wording (theme, reasons, corrections, unit names)
 * is shown as written on the pages of the round's own script and converted for the mirror; an
 * applicant's text (title, practices, outcomes) is shown as written on the pages of its own
 * script and converted on the others, so every page reads in one script.
 */
function inScript(round: SiteRound, script: Script): SiteRound {
  const convert = (text: string) => (text ? convertTo(script, text) : text);
  const officeText = round.script === script ? (text: string) => text : convert;
  const applicantText = (c: SiteCase) => ((c.dossierScript ?? round.script) === script ? (text: string) => text : convert);
  if (round.script === script && round.cases.every((c) => (c.dossierScript ?? round.script) === script)) return round;
  return {
    ...round,
    theme: officeText(round.theme),
    cases: round.cases.map((c) => {
      const applicant = applicantText(c);
      return {
        ...c,
        title: applicant(c.title),
        unit: { name: officeText(c.unit.name), city: officeText(c.unit.city) },
        practices: applicant(c.practices),
        outcomes: applicant(c.outcomes),
        reason: officeText(c.reason),
        corrections: c.corrections.map((x) => ({ at: x.at, note: officeText(x.note) })),
      };
    }),
  };
}
