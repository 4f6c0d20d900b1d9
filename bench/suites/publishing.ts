/**
 * Suite 4 — publishing: casebook renders a round of 1,000 cases (every page in both scripts,
 * open data, feeds, sitemap), against Eleventy rendering the same HTML pages from the same JSON
 * with equivalent Nunjucks templates. Both render in memory (Eleventy's `toJSON()`, casebook's
 * `renderSite`): writing files is the disk's speed, not the renderer's, and on AWS the publisher
 * writes to S3, not to a disk. Eleventy gets the Simplified mirror converted in advance, outside
 * its timing; casebook converts inside its own. Goal: ≥ 5× faster.
 *
 * Plus: after one case changes, the files written must be no more than the files that show it.
 */
import Eleventy from '@11ty/eleventy';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSite, type SiteSnapshot } from '../../src/domain/site';
import { toHans } from '../../src/domain/text';
import { interleaved, type SuiteResult } from '../lib/measure';
import { syntheticSnapshot } from '../fixtures/rounds';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), '..', 'eleventy');

function renderInMemory(snapshot: SiteSnapshot): number {
  return renderSite(snapshot, { baseUrl: 'https://cases.example.org/' }).files.size;
}

/** The same snapshot with every text changed by one marker, so no cache can answer for it. */
function freshTexts(snapshot: SiteSnapshot, iteration: number): SiteSnapshot {
  const mark = (s: string) => `${s}〔${iteration}〕`;
  return {
    rounds: snapshot.rounds.map((r) => ({
      ...r,
      theme: mark(r.theme),
      cases: r.cases.map((c) => ({
        ...c,
        title: mark(c.title),
        unit: { name: mark(c.unit.name), city: c.unit.city },
        practices: mark(c.practices),
        reason: mark(c.reason),
      })),
    })),
  };
}

/** The data Eleventy paginates over: the same cases, both scripts, pre-converted. */
function eleventyData(snapshot: SiteSnapshot) {
  const round = snapshot.rounds[0]!;
  const hans = {
    ...round,
    theme: toHans(round.theme),
    cases: round.cases.map((c) => ({
      ...c,
      title: toHans(c.title),
      unit: { name: toHans(c.unit.name), city: toHans(c.unit.city) },
      practices: toHans(c.practices),
      reason: toHans(c.reason),
    })),
  };
  const scripts = [
    { script: 'hant', lang: 'zh-Hant', other: 'hans', otherLang: 'zh-Hans', otherLabel: '简体', round },
    { script: 'hans', lang: 'zh-Hans', other: 'hant', otherLang: 'zh-Hant', otherLabel: '繁體', round: hans },
  ];
  return {
    indexPages: scripts.map((s) => ({ ...s, rounds: [s.round] })),
    roundPages: scripts.map((s) => ({
      ...s,
      roundId: s.round.roundId,
      number: s.round.number,
      theme: s.round.theme,
      cases: s.round.cases,
    })),
    casePages: scripts.flatMap((s) =>
      s.round.cases.map((c) => ({ ...s, roundId: s.round.roundId, number: s.round.number, theme: s.round.theme, c })),
    ),
  };
}

async function eleventyRender(data: ReturnType<typeof eleventyData>, inputDir: string, outDir: string): Promise<number> {
  const elev = new Eleventy(inputDir, outDir, {
    quietMode: true,
    config(cfg: { addGlobalData(name: string, value: unknown): void; addFilter(name: string, fn: (v: string) => unknown): void }) {
      cfg.addGlobalData('site', data);
      cfg.addFilter('split', (v: string) => v.split(/\n+/));
    },
  });
  const pages = (await elev.toJSON()) as unknown[];
  return pages.length;
}

export async function runPublishing(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const n = opts.quick ? 50 : 1000;
  // Seven interleaved pairs: with three, one sample hit by the shared machine's load moved the median.
  const rounds = opts.quick ? 1 : 7;
  const snapshot = syntheticSnapshot(n);
  const data = eleventyData(snapshot);
  const work = mkdtempSync(join(tmpdir(), 'casebook-bench-publish-'));
  const inputDir = join(work, 'src');
  cpSync(TEMPLATES, inputDir, { recursive: true });
  let ourFiles = 0;
  let eleventyPages = 0;
  let iteration = 0;
  try {
    const t = await interleaved(
      rounds,
      () => {
        // The renderer remembers converted texts (a warm Lambda's repeat renders skip conversion);
        // new texts on every run keep each measurement a cold render.
        const fresh = freshTexts(snapshot, ++iteration);
        ourFiles = renderInMemory(fresh);
      },
      async () => {
        eleventyPages = await eleventyRender(data, inputDir, join(work, 'eleventy-out'));
      },
    );
    const speedup = t.b / t.a;

    // One case changes (the office corrects its reason): which files change, and which show it?
    const before = renderSite(snapshot, { baseUrl: 'https://cases.example.org/' });
    const target = snapshot.rounds[0]!.cases[Math.floor(n / 2)]!;
    const changed: SiteSnapshot = {
      rounds: [
        {
          ...snapshot.rounds[0]!,
          cases: snapshot.rounds[0]!.cases.map((c) =>
            c.caseId === target.caseId
              ? { ...c, reason: `${c.reason}(更正)`, corrections: [{ at: '2022-12-02T00:00:00.000Z', note: '更正入選理由' }] }
              : c,
          ),
        },
      ],
    };
    const after = renderSite(changed, { baseUrl: 'https://cases.example.org/' });
    const written = [...after.files.keys()].filter((p) => after.manifest.files[p]?.sha256 !== before.manifest.files[p]?.sha256);
    // The files that show the (corrected) case are those whose bytes depend on it: the ones that
    // differ when the case is left out of the corrected round altogether.
    const without = renderSite(
      { rounds: [{ ...changed.rounds[0]!, cases: changed.rounds[0]!.cases.filter((c) => c.caseId !== target.caseId) }] },
      { baseUrl: 'https://cases.example.org/' },
    );
    const showing = [...new Set([...after.files.keys(), ...without.files.keys()])].filter(
      (p) => after.manifest.files[p]?.sha256 !== without.manifest.files[p]?.sha256,
    );
    const outside = written.filter((p) => !showing.includes(p));
    return [
      {
        name: `publishing: ${n} cases`,
        metric: 'render in memory, median ms (ratio = Eleventy / casebook, speed-up)',
        ours: t.a,
        baseline: t.b,
        ratio: speedup,
        goal: '≥ 5×',
        met: speedup >= 5,
        detail: { cases: n, rounds, ourFiles, eleventyPages },
      },
      {
        name: 'publishing: one case corrected',
        metric: 'files written vs files that show the case (ratio = written / showing)',
        ours: written.length,
        baseline: showing.length,
        ratio: written.length / Math.max(1, showing.length),
        goal: '≤ 1',
        met: written.length <= showing.length && outside.length === 0,
        detail: { written, showingCount: showing.length, writtenOutsideShowing: outside },
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
