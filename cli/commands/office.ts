import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { connect, OFFICE, output, table } from '../support/client';
import { EXIT } from '../support/errors';
import { roundIdArg } from '../support/round-id';

interface Notification {
  notificationId: string;
  roundId: string;
  kind: string;
  recipient: string;
  subject: { zh: string; en: string };
  status: string;
  createdAt: string;
}

/** `casebook object`, `outbox`, `audit verify|export`. */
export function register(program: Command): void {
  program
    .command('object')
    .description('file an objection to a listed case during the public-notice period (anonymous)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .argument('<caseId>')
    .requiredOption('--text <text>', 'the objection (at least 10 characters)')
    .option('--contact <contact>', 'how the office may reach you (seen by the office only)')
    .action(async (roundId: string, caseId: string, opts: { text: string; contact?: string }) => {
      const client = await connect(program, undefined);
      const result = await client.post<{ objectionId: string; filedAt: string; repeat?: boolean }>(`/rounds/${roundId}/objections`, {
        caseId,
        text: opts.text,
        ...(opts.contact ? { contact: opts.contact } : {}),
      });
      output(program, result, () =>
        result.repeat
          ? `the same objection was filed at ${result.filedAt} (${result.objectionId}); this one is counted with it, not filed again`
          : `objection ${result.objectionId} filed`,
      );
    });

  program
    .command('outbox')
    .description('notifications waiting to be released (the office reads and releases them)')
    .option('--release <id>', 'release one notification')
    .option('--release-all', 'release every pending notification')
    .option('--all', 'list released ones too')
    .action(async (opts: { release?: string; releaseAll?: boolean; all?: boolean }) => {
      const client = await connect(program, OFFICE);
      if (opts.release) {
        const n = await client.post<Notification>(`/outbox/${encodeURIComponent(opts.release)}/release`);
        output(program, n, () => `released ${n.notificationId} to ${n.recipient}`);
        return;
      }
      const { notifications } = await client.get<{ notifications: Notification[] }>(`/outbox${opts.all ? '' : '?status=PENDING'}`);
      if (opts.releaseAll) {
        const released = [];
        for (const n of notifications.filter((x) => x.status === 'PENDING'))
          released.push(await client.post<Notification>(`/outbox/${encodeURIComponent(n.notificationId)}/release`));
        output(program, { released }, () => `released ${released.length} notification(s)`);
        return;
      }
      output(program, { notifications }, () =>
        notifications.length === 0
          ? 'the outbox is empty'
          : table(
              ['id', 'round', 'kind', 'to', 'subject', 'status'],
              notifications.map((n) => [n.notificationId, n.roundId, n.kind, n.recipient, n.subject.zh, n.status]),
            ),
      );
    });

  const audit = program.command('audit').description('the hash-chained audit trail of a round');
  audit
    .command('verify')
    .description('recompute the chain and name the first broken link (exit 1 when broken)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .action(async (roundId: string) => {
      const client = await connect(program, OFFICE);
      const v = await client.get<{ ok: boolean; length: number; head?: string; firstBroken?: { seq: number; reason: string } }>(
        `/rounds/${roundId}/audit/verify`,
      );
      output(program, v, () =>
        v.ok
          ? `audit chain intact: ${v.length} entries, head ${v.head}`
          : `audit chain BROKEN at entry ${v.firstBroken?.seq}: ${v.firstBroken?.reason}`,
      );
      if (!v.ok) process.exitCode = EXIT.invalid;
    });
  audit
    .command('export')
    .description('the audit trail as JSON lines')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (roundId: string, opts: { out?: string }) => {
      const client = await connect(program, OFFICE);
      const text = await client.get<string>(`/rounds/${roundId}/audit`);
      const body = typeof text === 'string' ? text : JSON.stringify(text);
      if (opts.out) {
        writeFileSync(opts.out, body);
        process.stderr.write(`wrote ${body.split('\n').filter(Boolean).length} entries to ${opts.out}\n`);
      } else process.stdout.write(body);
    });
}
