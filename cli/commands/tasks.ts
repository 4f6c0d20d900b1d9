import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { APPROVER, connect, OFFICE, output, reviewerIdentity, table, type Identity } from '../support/client';
import { CliError, EXIT } from '../support/errors';
import { roundIdArg } from '../support/round-id';

interface TaskView {
  taskId: string;
  kind: string;
  roundId: string;
  caseId?: string;
  status: string;
  createdAt: string;
  expiresAt: string;
}

function identityFrom(opts: { reviewer?: string; approver?: boolean }): Identity {
  if (opts.reviewer) return reviewerIdentity(opts.reviewer);
  if (opts.approver) return APPROVER;
  return OFFICE;
}

const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `${what}: not valid JSON: ${(err as Error).message}`,
      EXIT.invalid,
      'pass the decision as a JSON object, e.g. \'{"outcome":"eligible"}\'',
    );
  }
};

/** `casebook tasks`, `decide`, `review`, `approve`: approval steps as the office, a reviewer or the approver. */
export function register(program: Command): void {
  const who = (c: Command) =>
    c.option('--reviewer <id>', 'act as this panel reviewer').option('--approver', 'act as the approver (leadership meeting)');

  who(program.command('tasks').description('my open approval steps (default: the office’s)'))
    .option('--all', 'include decided and expired steps')
    .action(async (opts: { reviewer?: string; approver?: boolean; all?: boolean }) => {
      const client = await connect(program, identityFrom(opts));
      const statuses = opts.all ? ['OPEN', 'DECIDED', 'EXPIRED', 'CANCELLED'] : ['OPEN'];
      const tasks = (await Promise.all(statuses.map((s) => client.get<{ tasks: TaskView[] }>(`/tasks?status=${s}`)))).flatMap(
        (r) => r.tasks,
      );
      output(program, { tasks }, () =>
        tasks.length === 0
          ? 'no open approval steps'
          : table(
              ['task', 'kind', 'round', 'case', 'status', 'expires'],
              tasks.map((t) => [t.taskId, t.kind, t.roundId, t.caseId, t.status, t.expiresAt]),
            ),
      );
    });

  who(program.command('decide').description('decide an approval step with a JSON body (eligibility, scores, approval, objection ruling)'))
    .argument('<taskId>')
    .option('--body <json>', 'the decision as JSON')
    .option('--file <path>', 'the decision from a JSON file')
    .action(async (taskId: string, opts: { reviewer?: string; approver?: boolean; body?: string; file?: string }) => {
      const text = opts.body ?? (opts.file ? readFileSync(opts.file, 'utf8') : undefined);
      if (!text) throw new CliError('no decision given', EXIT.usage, 'pass --body \'{"outcome":"eligible"}\' or --file decision.json');
      const client = await connect(program, identityFrom(opts));
      const result = await client.post(`/tasks/${taskId}/decision`, parseJson(text, '--body'));
      output(program, result, () => `decided ${taskId}`);
    });

  program
    .command('review')
    .description('score a panel step as a reviewer: --score CRITERION=N for every rubric criterion')
    .argument('<taskId>')
    .requiredOption('--reviewer <id>', 'your reviewer id on the panel')
    .option('--score <criterion=n>', 'a score (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--comment <text>', 'a comment for the office')
    .action(async (taskId: string, opts: { reviewer: string; score: string[]; comment?: string }) => {
      const scores: Record<string, number> = {};
      for (const s of opts.score) {
        const [k, v] = s.split('=');
        const n = Number(v);
        if (!k || v === undefined || !Number.isFinite(n)) throw new CliError(`--score ${s}: expected CRITERION=NUMBER`, EXIT.usage);
        scores[k] = n;
      }
      if (Object.keys(scores).length === 0)
        throw new CliError(
          'no scores given',
          EXIT.usage,
          'pass --score CRITERION=N for each criterion of the rubric (`casebook round show ROUND --json` lists them)',
        );
      const client = await connect(program, reviewerIdentity(opts.reviewer));
      const result = await client.post(`/tasks/${taskId}/decision`, { scores, ...(opts.comment ? { comment: opts.comment } : {}) });
      output(program, result, () => `scored ${taskId}`);
    });

  program
    .command('approve')
    .description('as the approver: approve the ranked shortlist of a round with the published reasons (入選理由), or amend it')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--reasons <file>', 'YAML/JSON list of { caseId, reason } in the final order (and amendments when amending)')
    .option(
      '--reason <case=text>',
      'the reason of one shortlisted case (repeatable); the list keeps the shortlist’s order',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--amend', 'the list departs from the shortlist (amendments with reasons required)')
    .action(async (roundId: string, opts: { reasons?: string; reason: string[]; amend?: boolean }) => {
      if (!opts.reasons && opts.reason.length === 0) {
        throw new CliError(
          'no reasons given',
          EXIT.usage,
          `pass --reason CASE=TEXT for each case of \`casebook shortlist ${roundId}\`, or --reasons FILE`,
        );
      }
      if (opts.reasons && opts.reason.length > 0) throw new CliError('pass --reasons FILE or --reason CASE=TEXT, not both', EXIT.usage);
      const client = await connect(program, APPROVER);
      const { tasks } = await client.get<{ tasks: TaskView[] }>('/tasks');
      const task = tasks.find((t) => t.kind === 'LEADERSHIP' && t.roundId === roundId);
      if (!task)
        throw new CliError(
          `no open leadership approval for ${roundId}`,
          EXIT.invalid,
          `the shortlist is ready once the round is closed and ranked: \`casebook shortlist ${roundId}\``,
        );
      let list: unknown;
      let amendments: unknown = [];
      if (opts.reasons) {
        const { readDocument } = await import('./round');
        const doc = readDocument(opts.reasons) as { list?: unknown; amendments?: unknown } | unknown[];
        list = Array.isArray(doc) ? doc : doc.list;
        amendments = Array.isArray(doc) ? [] : (doc.amendments ?? []);
      } else {
        if (opts.amend) throw new CliError('--amend needs --reasons FILE with the list and the amendments', EXIT.usage);
        const reasons = new Map<string, string>();
        for (const r of opts.reason) {
          const eq = r.indexOf('=');
          if (eq <= 0 || eq === r.length - 1) throw new CliError(`--reason ${r}: expected CASE=TEXT`, EXIT.usage);
          reasons.set(r.slice(0, eq), r.slice(eq + 1));
        }
        const { staffView } = await import('./cases');
        const { shortlist } = await staffView(program, roundId, true);
        const unknown = [...reasons.keys()].filter((id) => !shortlist.some((e) => e.caseId === id));
        if (unknown.length)
          throw new CliError(
            `not on the shortlist of ${roundId}: ${unknown.join(', ')}`,
            EXIT.invalid,
            'to add a case, amend with --reasons FILE and --amend',
          );
        const missing = shortlist.filter((e) => !reasons.has(e.caseId)).map((e) => e.caseId);
        if (missing.length)
          throw new CliError(
            `no reason for ${missing.join(', ')}`,
            EXIT.invalid,
            `every shortlisted case needs its 入選理由; to strike one, amend with --reasons FILE and --amend`,
          );
        list = [...shortlist].sort((a, b) => a.rank - b.rank).map((e) => ({ caseId: e.caseId, reason: reasons.get(e.caseId)! }));
      }
      if (!Array.isArray(list))
        throw new CliError(
          `${opts.reasons}: no list of { caseId, reason }`,
          EXIT.invalid,
          'write a YAML list, or { list: [...], amendments: [...] }',
        );
      const result = await client.post(`/tasks/${task.taskId}/decision`, { outcome: opts.amend ? 'amend' : 'approve', list, amendments });
      output(program, result, () => `${opts.amend ? 'amended and approved' : 'approved'} the list of ${roundId} (${list.length} cases)`);
    });
}
