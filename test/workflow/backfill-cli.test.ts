/**
 * `casebook import-announcement FILE --backfill` against a running local cloud's table (its
 * data dir's endpoints.json): the page becomes a past round once; a second run adds nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../cli/main';
import { ENDPOINTS_FILE } from '../../local/endpoints';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { SEED_PATH } from '../support/seed';

const SEED = SEED_PATH;

let db: TestTable;
let dataDir: string;
beforeAll(async () => {
  db = await startTestTable('casebook-backfill');
  dataDir = mkdtempSync(join(tmpdir(), 'cb-backfill-'));
  // What `casebook dev` writes; this process stands in for it (readEndpoints checks the pid is alive).
  writeFileSync(
    join(dataDir, ENDPOINTS_FILE),
    JSON.stringify({
      pid: process.pid,
      endpoints: { dynamodb: db.endpoint, s3: '', sfn: '', api: '', site: '', console: '' },
      stateMachines: {},
      env: { TABLE_NAME: db.tableName, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    }),
  );
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    process.exitCode = undefined;
    return { code: await main(['node', 'casebook', '--data-dir', dataDir, ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('casebook import-announcement --backfill', () => {
  it('files round 5 as an approved past round with its 12 cases; running it again changes nothing', async () => {
    const first = await run('import-announcement', SEED, '--backfill', '--year', '2023', '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { backfill: { roundId: string; roundCreated: boolean; cases: { created: boolean }[] } };
    expect(out.backfill).toMatchObject({ roundId: 'archive-round-5', roundCreated: true });
    expect(out.backfill.cases.filter((c) => c.created)).toHaveLength(12);
    expect(await db.store.rounds.getRound('archive-round-5')).toMatchObject({ status: 'APPROVED', charter: { number: 5, year: 2023 } });
    const cases = await db.store.cases.listCasesByRound('archive-round-5', 'APPROVED');
    const audit = await db.store.audit.listAudit('archive-round-5');

    const again = await run('import-announcement', SEED, '--backfill', '--year', '2023');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('backfilled archive-round-5: round already there, 0 case(s) added, 12 already there');
    expect(await db.store.cases.listCasesByRound('archive-round-5', 'APPROVED')).toEqual(cases);
    expect(await db.store.audit.listAudit('archive-round-5')).toEqual(audit);
  });

  it('refuses without --year, and without a running local cloud', async () => {
    expect((await run('import-announcement', SEED, '--backfill')).code).toBe(2);
    const elsewhere = mkdtempSync(join(tmpdir(), 'cb-none-'));
    const none = await run('--data-dir', elsewhere, 'import-announcement', SEED, '--backfill', '--year', '2023');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no local cloud is running');
  });
});
