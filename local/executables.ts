/**
 * Finds the external programs the tests and benchmarks drive (Chromium, pandoc): an environment
 * override first, else the first of the usual names found on PATH. Never a fixed path of one
 * machine — distributions put them in different places, and a clone must run wherever it lands.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export interface ToolSpec {
  /** What the program is, for the error message. */
  label: string;
  /** The environment variable that names the executable and wins over PATH. */
  env: string;
  /** Command names to look for on PATH, in order. */
  names: string[];
  /** How to install it, for the error message. */
  install: string;
}

export class ToolMissingError extends Error {
  constructor(
    readonly tool: ToolSpec,
    reason: string,
  ) {
    super(`${tool.label} not found: ${reason}\n  → ${tool.install}, or set ${tool.env} to its executable`);
    this.name = 'ToolMissingError';
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on PATH (as the shell would run it), or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The executable for `tool`: `$<env>` when set (it must exist and be executable; a command name
 * is looked up on PATH), else the first of its names on PATH. Throws ToolMissingError otherwise.
 */
export function findTool(tool: ToolSpec, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[tool.env]?.trim();
  if (override) {
    const found =
      isAbsolute(override) || override.includes('/')
        ? isExecutableFile(resolve(override))
          ? resolve(override)
          : undefined
        : findOnPath(override, env.PATH ?? '');
    if (!found) throw new ToolMissingError(tool, `${tool.env}=${override} is not an executable file`);
    return found;
  }
  for (const name of tool.names) {
    const found = findOnPath(name, env.PATH ?? '');
    if (found) return found;
  }
  throw new ToolMissingError(tool, `none of ${tool.names.join(', ')} is on PATH`);
}

export const CHROMIUM: ToolSpec = {
  label: 'Chromium',
  env: 'CHROMIUM_PATH',
  names: ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'],
  install: 'install it (Debian: `apt-get install chromium fonts-noto-cjk`)',
};

export const PANDOC: ToolSpec = {
  label: 'pandoc',
  env: 'PANDOC_PATH',
  names: ['pandoc'],
  install: 'install it (Debian: `apt-get install pandoc`)',
};
