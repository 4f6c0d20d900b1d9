/**
 * Facts about the repository and the synthesized template that code outside the CDK app needs
 * too (the local cloud, the bench, tests). No aws-cdk-lib import: loading this costs nothing.
 */
import { fileURLToPath } from 'node:url';

/** The repository root: entries, the lock file and esbuild's working directory hang off it. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The metadata key under which each function records its casebook name (the local cloud and the bench read it). */
export const FUNCTION_NAME_METADATA = 'casebook:function';
