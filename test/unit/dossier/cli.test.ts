import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../../cli/main';
import { SEED_PATH } from '../../support/seed';

const demo = join(import.meta.dirname, '..', '..', '..', 'data', 'demo');

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    process.exitCode = undefined;
    const code = await main(['node', 'casebook', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

describe('casebook validate', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('prints exactly one JSON object for one valid file and exits 0', async () => {
    const r = await run('validate', join(demo, 'case-06.docx'), '--json', '--round', '5');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(Object.keys(report)).toEqual(['valid', 'errors', 'warnings', 'dossier']);
    expect(report.valid).toBe(true);
    expect(report.dossier.unit.code).toBe('441621-凤安镇');
  });

  it('prints one JSON line per file with its name for a directory, and exits 1 when any is invalid', async () => {
    const r = await run('--json', 'validate', join(demo, 'broken'));
    expect(r.code).toBe(1);
    const reports = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(reports.map((x) => x.file)).toContain('legacy.doc');
    const legacy = reports.find((x) => x.file === 'legacy.doc');
    expect(legacy).toMatchObject({ valid: false, dossier: null, errors: [{ code: 'FORMAT_LEGACY_DOC', field: 'file' }] });
    expect(legacy.errors[0].message.zh).toContain('.docx');
  });

  it('validates the whole demo set as valid for round 5', async () => {
    const r = await run('validate', demo, '--round', '5');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^✓/gm)).toHaveLength(12);
  });

  it('exits 2 on a missing path or a bad --round, without a stack trace', async () => {
    const missing = await run('validate', join(tmpdir(), 'no-such-dossier.md'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const dir = mkdtempSync(join(tmpdir(), 'cb-'));
    writeFileSync(join(dir, 'a.md'), 'x');
    expect((await run('validate', join(dir, 'a.md'), '--round', 'five')).code).toBe(2);
  });
});

describe('casebook import-announcement', () => {
  it('prints the round, the 12 cases and the defects as JSON', async () => {
    const r = await run('import-announcement', SEED_PATH, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.round.number).toBe(5);
    expect(result.cases).toHaveLength(12);
    expect(result.defects.filter((d: { kind: string }) => d.kind === 'mojibake')).toHaveLength(5);
  });
});
