import type { Command } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { connect, OFFICE, output, table } from '../support/client';
import { CliError, EXIT } from '../support/errors';
import type { DirectoryUser, UserDirectory } from '../../src/ports/user-directory';
import type { ImportLine, ImportReport } from '../../src/usecases/users/import';

/** API Gateway takes 10 MB bodies; base64 grows a file by a third. */
const MAX_FILE_BYTES = 7 * 1024 * 1024;

interface PoolOptions {
  userPoolId?: string;
  region?: string;
}

/** Cognito straight, with the caller's AWS credentials: the pool's region is the prefix of its id. */
async function poolDirectory(opts: PoolOptions & { userPoolId: string }): Promise<UserDirectory> {
  if (!/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/.test(opts.userPoolId)) {
    throw new CliError(
      `--user-pool-id ${opts.userPoolId} is not a user pool id (like eu-west-1_AbC123)`,
      EXIT.usage,
      'the stack prints it as the UserPoolId output: `aws cloudformation describe-stacks --stack-name Casebook`',
    );
  }
  const { CognitoUserDirectory, cognitoClient } = await import('../../src/adapters/cognito-user-directory');
  return new CognitoUserDirectory(cognitoClient(opts.region ?? opts.userPoolId.split('_')[0]), opts.userPoolId);
}

/** AWS SDK errors as a CLI error: credentials and permissions are the usual causes. */
function awsError(err: unknown): never {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'ResourceNotFoundException')
    throw new CliError(`no such user pool: ${e.message}`, EXIT.usage, 'check --user-pool-id and --region');
  if (
    e?.name === 'CredentialsProviderError' ||
    e?.name === 'UnrecognizedClientException' ||
    e?.name === 'AccessDeniedException' ||
    e?.name === 'NotAuthorizedException'
  ) {
    throw new CliError(
      `AWS refused the call (${e.name}): ${e.message}`,
      EXIT.usage,
      'use the deployer’s credentials (AWS_PROFILE or `aws sso login`); they need the cognito-idp:Admin* actions on the pool',
    );
  }
  throw err;
}

const USERS_HINTS: Record<string, string> = {
  USER_NOT_FOUND: 'list the accounts with: casebook users list',
  USER_ALREADY_CONFIRMED: 'the person signs in with their own password; nothing to resend',
  USER_SELF_DISABLE: 'another office member must disable this account',
};

const OUTCOME_WORDS: Record<ImportLine['outcome'], [string, string]> = {
  created: ['created', 'would create'],
  updated: ['updated', 'would update'],
  unchanged: ['unchanged', 'unchanged'],
  refused: ['refused', 'refused'],
  failed: ['failed', 'failed'],
};

function reportLine(l: ImportLine, dryRun: boolean): string {
  const word = OUTCOME_WORDS[l.outcome][dryRun ? 1 : 0];
  const head = `line ${String(l.line).padStart(4)}  ${(l.email ?? '(no e-mail)').padEnd(32)}  ${word}`;
  const details: string[] = [];
  if (l.changes?.length) details.push(`(${l.changes.join(', ')})`);
  if (l.disabled) details.push('[account disabled: stays disabled]');
  if (l.temporaryPassword) details.push(`temporary password: ${l.temporaryPassword}`);
  const issues = (l.issues ?? []).map((i) => `\n      ${i.code}: ${i.message.zh} / ${i.message.en}`);
  return `${head}${details.length ? `  ${details.join(' ')}` : ''}${issues.join('')}`;
}

function readFileArg(file: string): { fileName: string; bytes: Buffer } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}`, EXIT.usage, 'give the path of a .csv or .xlsx accounts file');
  }
  if (size > MAX_FILE_BYTES)
    throw new CliError(
      `${file} is ${Math.round(size / 1024)} KiB; at most ${MAX_FILE_BYTES / 1024 / 1024} MiB per import`,
      EXIT.usage,
      'split the file',
    );
  return { fileName: basename(file), bytes: readFileSync(file) };
}

/** `casebook users …`: the accounts of the stack (office only), or of a user pool with --user-pool-id. */
export function register(program: Command): void {
  const users = program
    .command('users')
    .description(
      'accounts: import a CSV/.xlsx file, list, disable, enable, resend invitations (office); bootstrap the first office account',
    );

  const poolOption = (cmd: Command) =>
    cmd
      .option('--user-pool-id <id>', 'work on this Cognito user pool directly with your AWS credentials instead of through the API')
      .option('--region <region>', 'AWS region of the pool (default: from the pool id)');

  poolOption(
    users
      .command('import')
      .description(
        'create or update one account per row (email, name, role, unitCode for applicants, jurisdictions for reviewers); re-runs never duplicate',
      )
      .argument('<file>', '.csv (UTF-8, UTF-16 or GB18030) or .xlsx (first worksheet)')
      .option('--dry-run', 'print what would be done, change nothing'),
  ).action(async (file: string, opts: PoolOptions & { dryRun?: boolean }) => {
    const { fileName, bytes } = readFileArg(file);
    const dryRun = !!opts.dryRun;
    const json = !!program.opts().json;
    const say = (line: string) => (json ? undefined : process.stdout.write(`${line}\n`));
    const reports: ImportReport[] = [];
    if (opts.userPoolId) {
      const directory = await poolDirectory({ ...opts, userPoolId: opts.userPoolId });
      const { readAccountsFile, importAccounts } = await import('../../src/usecases/users/import');
      const { readXlsxRows } = await import('../../src/adapters/xlsx-rows');
      const sheet = await readAccountsFile({ fileName, bytes: new Uint8Array(bytes) }, readXlsxRows);
      let from: number | undefined = 0;
      while (from !== undefined) {
        const report: ImportReport = await importAccounts(directory, sheet, { dryRun, from, limit: 100 }).catch(awsError);
        reports.push(report);
        for (const l of report.lines) say(reportLine(l, dryRun));
        from = report.next;
      }
    } else {
      const client = await connect(program, OFFICE);
      const content = bytes.toString('base64');
      let from: number | undefined = 0;
      while (from !== undefined) {
        const report: ImportReport = await client.post<ImportReport>('/users/import', { fileName, content, dryRun, from, limit: 100 });
        reports.push(report);
        for (const l of report.lines) say(reportLine(l, dryRun));
        from = report.next;
      }
    }
    const fileIssues = reports[0]?.fileIssues ?? [];
    const lines = reports.flatMap((r) => r.lines);
    const summary = { created: 0, updated: 0, unchanged: 0, refused: 0, failed: 0 };
    for (const l of lines) summary[l.outcome]++;
    if (json) process.stdout.write(`${JSON.stringify({ dryRun, fileIssues, lines, summary })}\n`);
    else {
      for (const i of fileIssues) process.stdout.write(`${i.code}: ${i.message.zh} / ${i.message.en}\n`);
      if (fileIssues.length === 0) {
        const verb = dryRun ? 'would be ' : '';
        process.stdout.write(
          `\n${lines.length} row(s): ${summary.created} ${verb}created, ${summary.updated} ${verb}updated, ${summary.unchanged} unchanged, ${summary.refused} refused, ${summary.failed} failed${dryRun ? ' (dry run: nothing changed)' : ''}\n`,
        );
        if (!dryRun && lines.some((l) => l.temporaryPassword)) {
          process.stdout.write(
            '  → local cloud (no mail): hand each person their temporary password; they set a new one at first sign-in\n',
          );
        }
        if (summary.failed > 0) process.stdout.write('  → failed rows were not finished: run the same import again to retry them\n');
      }
    }
    if (fileIssues.length > 0 || summary.refused > 0 || summary.failed > 0) process.exitCode = EXIT.invalid;
  });

  poolOption(users.command('list').description('every account with its role, unit or jurisdictions, and state')).action(
    async (opts: PoolOptions) => {
      const list: { users: DirectoryUser[] } = opts.userPoolId
        ? { users: await (await poolDirectory({ ...opts, userPoolId: opts.userPoolId })).list().catch(awsError) }
        : await (await connect(program, OFFICE)).get<{ users: DirectoryUser[] }>('/users');
      output(program, list, () =>
        list.users.length === 0
          ? 'no accounts yet — import them with: casebook users import FILE'
          : table(
              ['account', 'name', 'role', 'unit / jurisdictions', 'state'],
              list.users.map((u) => [
                u.username,
                u.name,
                u.role,
                u.unitCode ?? u.jurisdictions?.join(',') ?? '',
                `${u.enabled ? 'enabled' : 'DISABLED'}${u.status === 'FORCE_CHANGE_PASSWORD' ? ', invited' : ''}`,
              ]),
            ),
      );
    },
  );

  for (const [name, description, route] of [
    ['disable', 'disable an account: it can no longer sign in', 'disable'],
    ['enable', 'enable a disabled account again', 'enable'],
    ['resend-invite', 'send the invitation again with a fresh temporary password', 'resend-invite'],
  ] as const) {
    poolOption(users.command(name).description(description).argument('<email>')).action(async (email: string, opts: PoolOptions) => {
      if (opts.userPoolId) {
        const directory = await poolDirectory({ ...opts, userPoolId: opts.userPoolId });
        const { UserNotFoundError, UserAlreadyConfirmedError } = await import('../../src/ports/user-directory');
        try {
          if (route === 'resend-invite') await directory.resendInvite(email);
          else await directory.setEnabled(email, route === 'enable');
        } catch (err) {
          if (err instanceof UserNotFoundError)
            throw new CliError(`no account ${email}`, EXIT.invalid, 'list the accounts with: casebook users list');
          if (err instanceof UserAlreadyConfirmedError)
            throw new CliError(`${email} has already set a password: there is no invitation to resend`, EXIT.invalid);
          awsError(err);
        }
        output(
          program,
          { username: email, done: route },
          () => `${email}: ${route === 'resend-invite' ? 'invitation sent again' : `${route}d`}`,
        );
        return;
      }
      const client = await connect(program, OFFICE);
      const result = await client
        .post<DirectoryUser | { user: DirectoryUser; temporaryPassword?: string }>(`/users/${encodeURIComponent(email)}/${route}`)
        .catch((err: unknown) => {
          // the generic per-status hints do not fit these refusals
          const code = (err as { code?: string }).code;
          const hint = code ? USERS_HINTS[code] : undefined;
          if (err instanceof CliError && hint) throw new CliError(err.message, err.exitCode, hint);
          throw err;
        });
      output(program, result, () => {
        if ('user' in result)
          return `${result.user.username}: invitation sent again${result.temporaryPassword ? ` — temporary password: ${result.temporaryPassword}` : ''}`;
        return `${result.username}: ${result.enabled ? 'enabled' : 'disabled'}`;
      });
    });
  }

  users
    .command('bootstrap')
    .description('create the first office account on a deployed stack with your AWS credentials (Cognito mails the invitation)')
    .requiredOption('--user-pool-id <id>', 'the stack’s UserPoolId output')
    .requiredOption('--email <email>', 'the office member’s e-mail (their sign-in name)')
    .requiredOption('--name <name>', 'their name as the audit trail shows it')
    .option('--region <region>', 'AWS region of the pool (default: from the pool id)')
    .action(async (opts: { userPoolId: string; email: string; name: string; region?: string }) => {
      const { isEmail } = await import('../../src/domain/users');
      const email = opts.email.trim().toLowerCase();
      if (!isEmail(email)) throw new CliError(`--email ${opts.email} is not an e-mail address`, EXIT.usage);
      if (!opts.name.trim()) throw new CliError('--name is empty', EXIT.usage);
      const directory = await poolDirectory(opts);
      const result = await directory.upsert({ username: email, email, name: opts.name.trim(), role: 'secretariat' }).catch(awsError);
      output(program, { user: result.user, created: result.created, changed: result.changed }, () =>
        result.created
          ? `invited ${email} as the office (secretariat): Cognito mailed a temporary password; at first sign-in they set a password and an authenticator\n  → next: sign in to the console, then import the other accounts (casebook users import FILE --api URL)`
          : `${email} already exists${result.changed ? ': now in the office group' : ' in the office group: nothing to do'}`,
      );
    });
}
