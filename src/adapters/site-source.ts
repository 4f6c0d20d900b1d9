/**
 * The publication data from the store: every round in public notice or approved, its cases,
 * and the public content (practices, outcomes) of each listed case's current version.
 */
import { announcementEntries, isPublishedStatus, type PublicationCase, type PublicationRound } from '../domain/site';
import type { CaseRecord } from '../domain/model';
import { publicContent } from '../domain/site/public-content';
import type { StorePort } from '../store/store';
import type { PublicationSource } from '../usecases/publish/ports';

/** What publication reads of the case table. */
export type PublicationStore = StorePort<{ rounds: 'listRounds'; cases: 'listCasesByRound' | 'getCaseVersion' }>;

/** Parallel version reads per round. */
const READ_CONCURRENCY = 16;

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
