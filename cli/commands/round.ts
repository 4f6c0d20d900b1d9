import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CliError, EXIT } from '../support/errors';
import { connect, OFFICE, output, table } from '../support/client';
import { roundIdArg } from '../support/round-id';

interface RoundView {
  roundId: string;
  number: number;
  year: number;
  theme: string;
  status: string;
  submissionDeadline: string;
  reviewDeadline: string;
  noticeEndsAt?: string;
  finalizationExecutionArn?: string;
  charterSha256?: string;
  approvedList?: { caseId: string; order: number; reason: string }[];
  shortlist?: { caseId: string; rank: number; score: number }[];
  objections?: { total: number; open: number };
}

export function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`${file}: cannot read`, EXIT.usage, 'check the path');
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { customTags: [], maxAliasCount: 50 });
  } catch (err) {
    throw new CliError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      EXIT.invalid,
      'fix the syntax at the position named',
    );
  }
}

const describe = (r: RoundView) =>
  [
    `${r.roundId}  第${r.number}屆 (${r.year})  ${r.status}`,
    `  主題 theme: ${r.theme}`,
    `  申報截止 submissions close: ${r.submissionDeadline}`,
    `  評審截止 reviews close: ${r.reviewDeadline}`,
    ...(r.noticeEndsAt ? [`  公示結束 notice ends: ${r.noticeEndsAt}`] : []),
    ...(r.charterSha256 ? [`  章程 charter sha256: ${r.charterSha256}`] : []),
    ...(r.finalizationExecutionArn ? [`  finalization: ${r.finalizationExecutionArn}`] : []),
    ...(r.shortlist?.length ? [`  候選名單 shortlist: ${r.shortlist.length} cases (\`casebook shortlist ${r.roundId}\`)`] : []),
    ...(r.objections?.total
      ? [`  異議 objections: ${r.objections.total} (${r.objections.open} open; \`casebook objections ${r.roundId}\`)`]
      : []),
    ...(r.approvedList?.length
      ? [
          '',
          table(
            ['#', 'case', '入選理由'],
            r.approvedList.map((e) => [e.order, e.caseId, e.reason]),
          ),
        ]
      : []),
  ].join('\n');

/** `casebook round open|amend|close|finalize|show`: the office's round lifecycle. */
export function register(program: Command): void {
  const round = program.command('round').description('open, amend, close, finalize and show selection rounds (as the office)');

  round
    .command('open')
    .description('create a round from a charter file (YAML or JSON) and open it for submissions')
    .argument('<charter>', 'charter file: theme, deadlines, rubric, panel, quotas, timeouts')
    .option('--id <roundId>', 'round id (default round-<number>)', roundIdArg)
    .option('--draft', 'create it in DRAFT without opening')
    .action(async (file: string, opts: { id?: string; draft?: boolean }) => {
      const client = await connect(program, OFFICE);
      const doc = readDocument(file) as Record<string, unknown>;
      const charter = 'charter' in doc ? doc.charter : doc;
      let r = await client.post<RoundView>('/rounds', { ...(opts.id ? { roundId: opts.id } : {}), charter });
      if (!opts.draft) r = await client.post<RoundView>(`/rounds/${r.roundId}/open`);
      output(program, r, () => describe(r));
    });

  round
    .command('amend')
    .description('amend the charter of a DRAFT or OPEN round, with a reason (recorded in the audit trail)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .requiredOption('--reason <text>', 'why the charter changes')
    .option('--file <changes>', 'YAML/JSON file with the charter fields to change')
    .option(
      '--set <field=value>',
      'one change; value parsed as YAML (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .action(async (roundId: string, opts: { reason: string; file?: string; set: string[] }) => {
      const changes: Record<string, unknown> = opts.file ? (readDocument(opts.file) as Record<string, unknown>) : {};
      for (const s of opts.set) {
        const eq = s.indexOf('=');
        if (eq <= 0) throw new CliError(`--set ${s}: expected FIELD=VALUE`, EXIT.usage);
        changes[s.slice(0, eq)] = parseYaml(s.slice(eq + 1));
      }
      if (Object.keys(changes).length === 0)
        throw new CliError('nothing to amend', EXIT.usage, 'pass --set FIELD=VALUE or --file CHANGES.yaml');
      const client = await connect(program, OFFICE);
      const r = await client.patch<RoundView>(`/rounds/${roundId}`, { changes, reason: opts.reason });
      output(program, r, () => describe(r));
    });

  round
    .command('close')
    .description('close submissions and start round finalization (ranking, leadership approval, notice, publication)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .action(async (roundId: string) => {
      const client = await connect(program, OFFICE);
      const r = await client.post<RoundView>(`/rounds/${roundId}/close`);
      output(program, r, () => describe(r));
    });

  round
    .command('finalize')
    .description('proceed to ranking before every case is reviewed (the office’s decision, with a reason)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .requiredOption('--reason <text>', 'why the round proceeds now')
    .action(async (roundId: string, opts: { reason: string }) => {
      const client = await connect(program, OFFICE);
      const r = await client.post<RoundView>(`/rounds/${roundId}/proceed`, { reason: opts.reason });
      output(program, r, () => describe(r));
    });

  round
    .command('show')
    .description('show one round as the office sees it (charter hash, shortlist, approved list, objections), or list all rounds')
    .argument('[roundId]', 'round number or id (6 or round-6)', roundIdArg)
    .action(async (roundId?: string) => {
      const client = await connect(program, OFFICE);
      if (roundId) {
        // the staff's view: charter and hash, shortlist, approved list, notice, objections
        const r = await client.get<RoundView>(`/rounds/${roundId}/staff-view`);
        output(program, r, () => describe(r));
      } else {
        const list = await client.get<{ rounds: RoundView[] }>('/rounds');
        output(program, list, () =>
          table(
            ['round', 'no.', 'year', 'status', 'theme'],
            list.rounds.map((r) => [r.roundId, r.number, r.year, r.status, r.theme]),
          ),
        );
      }
    });
}
