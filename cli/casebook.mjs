#!/usr/bin/env node
// Entry point of the `casebook` CLI. It loads the TypeScript sources through tsx so that
// `npx casebook` works right after `npm ci`, with no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
