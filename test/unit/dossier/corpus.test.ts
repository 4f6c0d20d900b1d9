import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { intakeDossier, INTAKE_CODES, parseResultSchema, parseDossier } from '../../../src/domain/dossier';
import type { CorpusEntry } from '../../fixtures/dossiers/generate';

const root = join(import.meta.dirname, '..', '..', 'fixtures', 'dossiers');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as CorpusEntry[];

describe('hostile and broken dossier corpus', () => {
  it('holds at least 40 fixtures, each file present and listed once', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(40);
    const files = readdirSync(join(root, 'corpus')).sort();
    expect(files).toEqual(manifest.map((m) => m.file).sort());
    for (const m of manifest) for (const code of m.expect) expect(Object.keys(INTAKE_CODES)).toContain(code);
  });

  it.each(manifest.map((m) => [m.file, m] as const))('%s is rejected with its expected codes', async (_file, m) => {
    const bytes = readFileSync(join(root, 'corpus', m.file));
    const report = await intakeDossier(bytes, { key: m.file, ...(m.limits ? { limits: m.limits } : {}), ...(m.ctx ? { ctx: m.ctx } : {}) });
    expect(report.valid).toBe(false);
    expect(report.dossier).toBeNull();
    expect(report.errors.map((e) => e.code)).toEqual(expect.arrayContaining(m.expect));
    for (const e of [...report.errors, ...report.warnings]) {
      expect(e.message.zh.length).toBeGreaterThan(0);
      expect(e.message.en.length).toBeGreaterThan(0);
      expect(e.message.zh + e.message.en).not.toMatch(/\{[a-zA-Z]+\}/);
    }
  });

  it('keeps every parse result JSON-serialisable (it crosses S3 between Lambdas)', async () => {
    for (const m of manifest) {
      const parsed = await parseDossier(readFileSync(join(root, 'corpus', m.file)), {
        key: m.file,
        ...(m.limits ? { limits: m.limits } : {}),
      });
      const roundTripped = JSON.parse(JSON.stringify(parsed)) as unknown;
      expect(roundTripped).toEqual(parsed);
      expect(parseResultSchema.safeParse(roundTripped).success).toBe(true);
    }
  });

  it('never honours __proto__ or constructor keys', async () => {
    for (const file of ['json-proto.json', 'json-constructor.json', 'yaml-proto.md']) {
      await intakeDossier(readFileSync(join(root, 'corpus', file)), { key: file });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    }
  });
});
