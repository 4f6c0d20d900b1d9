/**
 * The publication data from the store: every round in public notice or approved, its cases,
 * and the public content (practices, outcomes) of each listed case's current version.
 */
import { announcementEntries, isPublishedStatus, type PublicationCase, type PublicationRound } from '../domain/site';
import type { CaseRecord, Script } from '../domain/model';
import type { StorePort } from '../store/store';

/** What publication reads of the case table. */
export type PublicationStore = StorePort<{ rounds: 'listRounds'; cases: 'listCasesByRound' | 'getCaseVersion' }>;
import type { PublicationSource } from '../usecases/publish/ports';

/** Parallel version reads per round. */
const READ_CONCURRENCY = 16;

/** The canonical dossier's public texts; anything else in it stays in the office. */
export function publicContent(dossier: unknown): { practices: string; outcomes?: string; script?: Script } {
  const d = (dossier ?? {}) as { practices?: { text?: unknown } | string; outcomes?: { text?: unknown } | string; script?: unknown };
  const text = (field: unknown): string | undefined =>
    typeof field === 'string' ? field : field && typeof (field as { text?: unknown }).text === 'string' ? ((field as { text: string }).text) : undefined;
  const practices = text(d.practices) ?? '';
  const outcomes = text(d.outcomes);
  // the script the applicant wrote in, so each page can show the applicant's text in its own script
  const script: { script?: Script } = d.script === 'hans' || d.script === 'hant' ? { script: d.script } : {};
  return outcomes === undefined ? { practices, ...script } : { practices, outcomes, ...script };
}

export class StorePublicationSource implements PublicationSource {
  constructor(private readonly store: PublicationStore) {}

  async loadRounds(): Promise<PublicationRound[]> {
    const rounds = (await this.store.rounds.listRounds()).filter((round) => isPublishedStatus(round.status));
    const out: PublicationRound[] = [];
    for (const round of rounds) {
      const records = await this.store.cases.listCasesByRound(round.roundId);
      const listed = new Set(announcementEntries(round, records).map((e) => e.caseId));
      const wanted = records.filter((r) => listed.has(r.caseId));
      out.push({ round, cases: await this.withContent(wanted) });
    }
    return out;
  }

  private async withContent(records: readonly CaseRecord[]): Promise<PublicationCase[]> {
    const cases: PublicationCase[] = new Array(records.length);
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const index = next++;
        const record = records[index]!;
        const version = await this.store.cases.getCaseVersion(record.caseId, record.currentVersion);
        cases[index] = { record, ...publicContent(version?.dossier) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, records.length) }, worker));
    return cases;
  }
}
