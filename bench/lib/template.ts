/** What the benchmarks need from the synthesized template: each function's bundle and environment. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_NAME_METADATA } from '../../lib/project';

export interface SynthesizedFunction {
  name: string;
  bundle: string;
  /** The function's environment with CloudFormation references replaced by placeholders. */
  placeholderEnv: Record<string, string>;
}

export const TEMPLATE_PATH = 'cdk.out/Casebook.template.json';

export function synthesizedFunctions(outDir = 'cdk.out'): SynthesizedFunction[] {
  const templatePath = join(outDir, 'Casebook.template.json');
  if (!existsSync(templatePath)) throw new Error(`${templatePath} is missing: run \`npm run synth\` first`);
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Metadata?: Record<string, string>; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
    >;
  };
  const out: SynthesizedFunction[] = [];
  for (const [logicalId, res] of Object.entries(template.Resources)) {
    if (res.Type !== 'AWS::Lambda::Function') continue;
    const name = res.Metadata?.[FUNCTION_NAME_METADATA];
    const assetPath = res.Metadata?.['aws:asset:path'];
    if (!name || !assetPath) continue;
    const dir = join(outDir, assetPath);
    const bundle = ['index.mjs', 'index.js'].map((f) => join(dir, f)).find(existsSync);
    if (!bundle) throw new Error(`no bundle for ${name} (${logicalId}) in ${dir}`);
    const vars = res.Properties?.Environment?.Variables ?? {};
    const placeholderEnv = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `placeholder-${k.toLowerCase()}`]),
    );
    out.push({ name, bundle, placeholderEnv });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
