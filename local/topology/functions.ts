/**
 * The stack's Lambda functions: each one's bundle in the cloud assembly, handler export, timeout,
 * memory and environment, and the union of the environments that the one local process runs with.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { localFunctionArn, TopologyError } from './names';
import type { Json, TemplateReader } from './template';

export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the bundle module. */
  bundle: string;
  exportName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

/** Variables that configure the runtime rather than our code; they never enter the shared process env. */
const RUNTIME_ONLY_VARIABLES = new Set(['NODE_OPTIONS', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);

export function functionsOf(t: TemplateReader, assemblyDir: string): FunctionSpec[] {
  return t.lambdaFunctions.map(([id, r]) => {
    const name = t.name(id);
    const context = `function ${name} (${id})`;
    const assetPath = r.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new TopologyError(`${context} has no aws:asset:path metadata (asset metadata disabled?)`);
    const handler = String(r.Properties?.Handler ?? 'index.handler');
    const dot = handler.lastIndexOf('.');
    const moduleBase = handler.slice(0, dot);
    const exportName = handler.slice(dot + 1);
    const dir = resolve(assemblyDir, assetPath);
    const bundle = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, moduleBase + ext)).find((p) => existsSync(p));
    if (!bundle) throw new TopologyError(`${context}: no bundle ${moduleBase}.mjs in ${dir} (synth with bundling?)`);
    const vars = ((r.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) environment[k] = t.asString(v, `${context} env ${k}`);
    return {
      logicalId: id,
      name,
      arn: localFunctionArn(name),
      bundle,
      exportName,
      environment,
      timeoutSeconds: Number(r.Properties?.Timeout ?? 3),
      memoryMb: Number(r.Properties?.MemorySize ?? 128),
    };
  });
}

/** The union of the functions' environments; two functions that disagree on a variable cannot share one process. */
export function sharedEnvironment(functions: readonly FunctionSpec[]): Record<string, string> {
  const environment: Record<string, string> = {};
  const setBy: Record<string, string> = {};
  for (const fn of functions) {
    for (const [k, v] of Object.entries(fn.environment)) {
      if (RUNTIME_ONLY_VARIABLES.has(k)) continue;
      if (k in environment && environment[k] !== v) {
        throw new TopologyError(`${k} is "${environment[k]}" for ${setBy[k]} but "${v}" for ${fn.name}; one process cannot run both`);
      }
      environment[k] = v;
      setBy[k] = fn.name;
    }
  }
  return environment;
}
