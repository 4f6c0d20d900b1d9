import type { Command } from 'commander';
import { CliError, EXIT } from '../support/errors';

/**
 * `casebook executions` and `casebook history EXECUTION`: workflow state and event history,
 * read through the Step Functions endpoint of the running local cloud (found via endpoints.json).
 */
export function register(program: Command): void {
  program
    .command('executions')
    .description('list workflow executions of the running local cloud')
    .option('--status <status>', 'only RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED')
    .option('--machine <name>', 'only this state machine (e.g. dossier-review)')
    .action(async (opts: { status?: string; machine?: string }) => {
      const globals = program.opts() as { dataDir: string; json?: boolean };
      const { client, info } = await connect(globals.dataDir);
      const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
      const machines = Object.entries(info.stateMachines).filter(([name]) => !opts.machine || name === opts.machine);
      if (opts.machine && machines.length === 0) {
        throw new CliError(`no state machine named ${opts.machine}`, EXIT.usage, `known: ${Object.keys(info.stateMachines).join(', ')}`);
      }
      const rows: { machine: string; name: string; status: string; startDate?: string; stopDate?: string; executionArn: string }[] = [];
      for (const [machine, arn] of machines) {
        let nextToken: string | undefined;
        do {
          const page = await client.send(
            new ListExecutionsCommand({
              stateMachineArn: arn,
              nextToken,
              ...(opts.status ? { statusFilter: opts.status.toUpperCase() as never } : {}),
            }),
          );
          for (const e of page.executions ?? []) {
            rows.push({
              machine,
              name: e.name ?? '',
              status: e.status ?? '',
              startDate: e.startDate?.toISOString(),
              stopDate: e.stopDate?.toISOString(),
              executionArn: e.executionArn ?? '',
            });
          }
          nextToken = page.nextToken;
        } while (nextToken);
      }
      client.destroy();
      rows.sort((a, b) => (a.startDate ?? '').localeCompare(b.startDate ?? ''));
      if (globals.json) {
        for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no executions\n');
        return;
      }
      const table = rows.map((r) => [r.machine, r.status, r.startDate ?? '', shorten(r.name)]);
      printTable(['machine', 'status', 'started', 'name'], table);
    });

  program
    .command('history')
    .argument('<execution>', 'execution ARN or name')
    .description('show the event history of one workflow execution')
    .action(async (execution: string) => {
      const globals = program.opts() as { dataDir: string; json?: boolean };
      const { client, info } = await connect(globals.dataDir);
      const { GetExecutionHistoryCommand, DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
      const executionArn = execution.startsWith('arn:') ? execution : await findByName(client, info.stateMachines, execution);
      const described = await client.send(new DescribeExecutionCommand({ executionArn })).catch((err: Error) => {
        if (err.name === 'ExecutionDoesNotExist')
          throw new CliError(`no execution ${execution}`, EXIT.usage, 'list them with `casebook executions`');
        throw err;
      });
      const events: Record<string, unknown>[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
        events.push(...((page.events ?? []) as unknown as Record<string, unknown>[]));
        nextToken = page.nextToken;
      } while (nextToken);
      client.destroy();
      if (globals.json) {
        for (const event of events) process.stdout.write(`${JSON.stringify(event)}\n`);
        return;
      }
      process.stdout.write(`${described.name}  ${described.status}  started ${described.startDate?.toISOString() ?? ''}\n`);
      printTable(
        ['id', 'time', 'type', 'detail'],
        events.map((e) => [
          String(e.id),
          e.timestamp instanceof Date ? e.timestamp.toISOString() : String(e.timestamp ?? ''),
          String(e.type),
          detailOf(e),
        ]),
      );
    });
}

async function connect(dataDir: string) {
  const { readEndpoints } = await import('../../local/endpoints');
  const info = readEndpoints(dataDir);
  if (!info) {
    throw new CliError(
      `no local cloud is running with data dir ${dataDir}`,
      EXIT.usage,
      'start one with `casebook dev` (or pass its --data-dir)',
    );
  }
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const client = new SFNClient({
    endpoint: info.endpoints.sfn,
    region: info.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: info.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: info.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
  });
  return { client, info };
}

async function findByName(
  client: import('@aws-sdk/client-sfn').SFNClient,
  machines: Record<string, string>,
  name: string,
): Promise<string> {
  const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
  for (const arn of Object.values(machines)) {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListExecutionsCommand({ stateMachineArn: arn, nextToken }));
      const hit = page.executions?.find((e) => e.name === name || e.name?.startsWith(name));
      if (hit?.executionArn) return hit.executionArn;
      nextToken = page.nextToken;
    } while (nextToken);
  }
  throw new CliError(`no execution named ${name}`, EXIT.usage, 'list them with `casebook executions`');
}

/** The interesting part of a history event: the state it names, or its error. */
function detailOf(event: Record<string, unknown>): string {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object') continue;
    const d = value as Record<string, unknown>;
    if (typeof d.name === 'string') return d.name;
    if (typeof d.error === 'string') return `${d.error}${typeof d.cause === 'string' ? `: ${d.cause.slice(0, 80)}` : ''}`;
    if (typeof d.resource === 'string') return d.resource;
  }
  return '';
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
}
