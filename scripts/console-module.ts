/**
 * How a file of src/ becomes a module the console loads as is (it has no bundler): one ES module
 * for the browser, its packages inlined, paths in esbuild's comments made relative so the output
 * does not depend on where the repository is checked out. Used by vendor-oauth.ts and
 * vendor-labels.ts (`npm run vendor`).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function consoleModule(entry: string, banner: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    legalComments: 'inline',
    charset: 'utf8',
    write: false,
    banner: { js: banner },
  });
  return result.outputFiles[0]!.text.replaceAll(`${ROOT}/`, '');
}
