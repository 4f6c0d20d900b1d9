/**
 * Every hint and message that tells the user to run `casebook xxx` names a command the CLI
 * registers (and, for a command group, one of its subcommands), so advice never leads nowhere.
 * Every round argument goes through the one normaliser, so `6` and `round-6` work everywhere.
 */
import type { Command } from 'commander';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { buildProgram } from '../../../cli/main';
import { roundIdArg, roundNumberArg } from '../../../cli/support/round-id';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

let program: Command;
beforeAll(async () => {
  program = await buildProgram([]);
});

describe('CLI hints', () => {
  it('name only commands that exist', () => {
    const mentions = new Map<string, string>();
    // where messages to people are written: the CLI, the local cloud, the API and its use cases
    for (const file of ['cli', 'local', 'src/api', 'src/usecases'].flatMap((dir) => sources(join(ROOT, dir)))) {
      // what the user reads: code, not comments (a comment may name a command still being built)
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      for (const m of text.matchAll(/(?:`|with: )casebook ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g))
        mentions.set(`${m[1]}${m[2] ? ` ${m[2]}` : ''}`, file.slice(ROOT.length + 1));
    }
    // the check itself must see the advice it guards
    expect([...mentions.keys()]).toEqual(expect.arrayContaining(['round show', 'cases', 'shortlist', 'objections', 'tasks']));
    const problems: string[] = [];
    for (const [mention, file] of mentions) {
      const [name, sub] = mention.split(' ');
      const command = program.commands.find((c) => c.name() === name);
      if (!command) {
        problems.push(`${file}: \`casebook ${mention}\` — no command ${name}`);
        continue;
      }
      if (command.commands.length > 0 && sub && !command.commands.some((c) => c.name() === sub))
        problems.push(`${file}: \`casebook ${mention}\` — ${name} has no ${sub}`);
      if (command.commands.length > 0 && !sub) problems.push(`${file}: \`casebook ${mention}\` — ${name} needs a subcommand`);
    }
    expect(problems).toEqual([]);
  });
});

describe('round arguments', () => {
  it('take the number or the id', () => {
    for (const v of ['6', 'round-6', 'ROUND-6', '第6屆', 'round6', ' 6 ']) expect(roundIdArg(v), v).toBe('round-6');
    expect(roundIdArg('pilot-2030')).toBe('pilot-2030');
    expect(roundNumberArg('round-5')).toBe(5);
    expect(roundNumberArg('5')).toBe(5);
    for (const bad of ['', '../x', 'round 6; rm', '第六屆']) expect(() => roundIdArg(bad), bad).toThrow(/not a round/);
    expect(() => roundNumberArg('pilot-2030')).toThrow(/round number/);
  });

  it('go through the one normaliser in every command', () => {
    const unparsed: string[] = [];
    const walk = (c: Command, path: string) => {
      for (const arg of c.registeredArguments) {
        if (/round/i.test(arg.name()) && arg.parseArg !== roundIdArg) unparsed.push(`${path} <${arg.name()}>`);
      }
      for (const opt of c.options) {
        if (/^--(round|id)$/.test(opt.long ?? '') && opt.parseArg !== roundIdArg && opt.parseArg !== roundNumberArg)
          unparsed.push(`${path} ${opt.long}`);
      }
      for (const sub of c.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(program, 'casebook');
    expect(unparsed).toEqual([]);
    // the commands that take a round are all covered (not a vacuous walk)
    const withRound = program.commands.filter((c) => c.registeredArguments.some((a) => a.parseArg === roundIdArg)).map((c) => c.name());
    expect(withRound).toEqual(
      expect.arrayContaining(['cases', 'shortlist', 'objections', 'rule', 'approve', 'submit', 'status', 'object', 'cost']),
    );
  });
});
