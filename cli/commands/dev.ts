import type { Command } from 'commander';
import { join } from 'node:path';
import { CliError, EXIT } from '../support/errors';

/**
 * `casebook dev`: boots the local cloud in this process and keeps serving until Ctrl-C or
 * SIGTERM, which stop every helper process (Java included) and free every port.
 */
export function register(program: Command): void {
  program
    .command('dev')
    .description('run the whole system locally (DynamoDB Local, S3, Step Functions, HTTP API, site) until Ctrl-C')
    .option('--fail <function[:times]>', 'fault injection: make a function fail N times (default 1); repeatable', collect, [])
    .option('--fail-rate <function:rate>', 'fault injection: make a function fail at a rate 0..1; repeatable', collect, [])
    .option('--duplicate-s3-events', 'fault injection: deliver every S3 event twice')
    .option('--stream-delay <ms>', 'fault injection: hold every stream batch this long', Number)
    .action(async (opts: { fail: string[]; failRate: string[]; duplicateS3Events?: boolean; streamDelay?: number }) => {
      const globals = program.opts() as { dataDir: string; json?: boolean };
      const functions: Record<string, { times?: number; rate?: number }> = {};
      for (const spec of opts.fail) {
        const [name, times] = spec.split(':');
        functions[name!] = { times: times === undefined ? 1 : Number(times) };
      }
      for (const spec of opts.failRate) {
        const [name, rate] = spec.split(':');
        const value = Number(rate);
        if (!name || !(value >= 0 && value <= 1))
          throw new CliError(`--fail-rate ${spec}: expected FUNCTION:RATE with RATE in 0..1`, EXIT.usage);
        functions[name] = { rate: value };
      }
      const { startLocalCloud } = await import('../../local/cloud');
      const { DataDirLockedError } = await import('../../local/lock');
      const { JavaMissingError } = await import('../../local/dynamodb');
      let cloud;
      try {
        cloud = await startLocalCloud({
          dataDir: globals.dataDir,
          faults: { functions, duplicateS3Events: opts.duplicateS3Events, streamDelayMs: opts.streamDelay },
          log: (line) => process.stderr.write(`${line}\n`),
        });
      } catch (err) {
        if (err instanceof DataDirLockedError || err instanceof JavaMissingError) throw new CliError(err.message, EXIT.usage);
        throw err;
      }
      const { demoSignIn, formatSignIn } = await import('../support/demo-accounts');
      const signIn = await demoSignIn(cloud);
      const awsEnv = Object.fromEntries(cloud.awsEnv.map((e) => [e.name, e.value]));
      if (globals.json) process.stdout.write(`${JSON.stringify({ dataDir: cloud.dataDir, endpoints: cloud.endpoints, signIn, awsEnv })}\n`);
      else {
        const { AWS_ENV_FILE, renderShell } = await import('../../local/aws-env');
        process.stdout.write(
          `${formatSignIn(signIn)}\n\n` +
            `AWS CLI and SDKs: in another terminal, run  eval "$(npx casebook env${dataDirArg(globals.dataDir)})"  or source ${join(cloud.dataDir, AWS_ENV_FILE)}:\n` +
            `${renderShell(cloud.awsEnv, cloud.dataDir)}\nlocal cloud running; Ctrl-C to stop\n`,
        );
      }
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`${signal}: stopping the local cloud…\n`);
          void cloud.stop().then(resolve, (err: Error) => {
            process.stderr.write(`stop failed: ${err.message}\n`);
            resolve();
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** ` --data-dir DIR` when the data dir is not the default one. */
function dataDirArg(dataDir: string): string {
  return dataDir === '.casebook' ? '' : ` --data-dir ${dataDir.includes(' ') ? `'${dataDir}'` : dataDir}`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
