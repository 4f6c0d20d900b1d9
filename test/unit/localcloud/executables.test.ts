import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CHROMIUM, findOnPath, findTool, PANDOC, ToolMissingError } from '../../../local/executables';

function withBin<T>(fn: (dirs: { a: string; b: string; root: string }) => T): T {
  const root = mkdtempSync(join(tmpdir(), 'cb-exe-'));
  const a = join(root, 'a');
  const b = join(root, 'b');
  mkdirSync(a);
  mkdirSync(b);
  try {
    return fn({ a, b, root });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function executable(path: string, mode = 0o755): string {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

describe('finding Chromium and pandoc', () => {
  it('takes the first executable of the names on PATH, in PATH order', () => {
    withBin(({ a, b }) => {
      executable(join(b, 'chromium'));
      executable(join(a, 'chromium-browser'));
      const env = { PATH: [a, b].join(delimiter) };
      expect(findTool(CHROMIUM, env)).toBe(join(b, 'chromium')); // names in order, then PATH order
      expect(findOnPath('chromium-browser', env.PATH)).toBe(join(a, 'chromium-browser'));
    });
  });

  it('skips files that are not executable and folders', () => {
    withBin(({ a, b }) => {
      executable(join(a, 'pandoc'), 0o644);
      mkdirSync(join(b, 'pandoc'));
      expect(() => findTool(PANDOC, { PATH: [a, b].join(delimiter) })).toThrow(ToolMissingError);
    });
  });

  it('lets the environment override win, as a path or as a command name', () => {
    withBin(({ a, b }) => {
      executable(join(a, 'chromium'));
      const mine = executable(join(b, 'my-chrome'));
      expect(findTool(CHROMIUM, { PATH: a, CHROMIUM_PATH: mine })).toBe(mine);
      expect(findTool(CHROMIUM, { PATH: [a, b].join(delimiter), CHROMIUM_PATH: 'my-chrome' })).toBe(mine);
    });
  });

  it('says what is missing and how to fix it, naming the override', () => {
    withBin(({ a }) => {
      const err = (() => {
        try {
          findTool(PANDOC, { PATH: a });
        } catch (e) {
          return e as Error;
        }
        throw new Error('expected an error');
      })();
      expect(err).toBeInstanceOf(ToolMissingError);
      expect(err.message).toContain('pandoc not found: none of pandoc is on PATH');
      expect(err.message).toContain('PANDOC_PATH');
      expect(err.message).toContain('apt-get install pandoc');
    });
  });

  it('rejects an override that names nothing executable rather than falling back to PATH', () => {
    withBin(({ a }) => {
      executable(join(a, 'chromium'));
      expect(() => findTool(CHROMIUM, { PATH: a, CHROMIUM_PATH: join(a, 'missing-chrome') })).toThrow(
        /CHROMIUM_PATH=.*missing-chrome is not an executable file/,
      );
    });
  });
});
