/**
 * The printable annex: a one-round site rendered from the export data by the site's own renderer,
 * so the PDF prints exactly the round page (with its print stylesheet: no navigation, each case on
 * a new page) that the public sees.
 */
import { renderSite } from '../site/render';
import { sitePaths } from '../site/paths';
import type { SiteRound } from '../site/snapshot';
import type { RoundExport } from './model';

export function annexRound(data: RoundExport): SiteRound {
  return {
    roundId: data.round.roundId,
    number: data.round.number,
    year: data.round.year,
    theme: data.round.theme,
    script: data.round.script,
    status: 'APPROVED',
    ...(data.round.approvedAt ? { approvedAt: data.round.approvedAt } : {}),
    cases: data.cases.map((c) => ({
      caseId: c.caseId,
      order: c.order,
      title: c.title,
      unit: { name: c.unit, city: c.city },
      ...(c.level ? { level: c.level } : {}),
      practices: c.practices,
      outcomes: c.outcomes,
      reason: c.reason,
      corrections: [],
      withdrawn: false,
    })),
  };
}

/** The files the round page needs (pages and stylesheet), by site path, and the round page's path. */
export function annexSite(data: RoundExport): { files: Map<string, string>; roundPath: string } {
  const site = renderSite({ rounds: [annexRound(data)] }, { baseUrl: 'https://casebook.invalid/' });
  const files = new Map<string, string>();
  for (const [path, file] of site.files) {
    if (path.endsWith('.html') || path === sitePaths.stylesheet)
      files.set(path, typeof file.body === 'string' ? file.body : Buffer.from(file.body).toString('utf8'));
  }
  return { files, roundPath: sitePaths.round(data.round.script, data.round.roundId) };
}
