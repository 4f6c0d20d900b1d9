/**
 * Loads OpenCC's Simplified→Traditional dictionaries for `toHant`, `detectScript` and
 * `scriptEvidence` (see script.ts for why they are not part of any function's init). A module of
 * its own: esbuild emits a chunk for every `import()` of every module it includes, so only the
 * bundles that import this file carry the 1 MB chunk.
 */
import { provideTraditional } from './script';

let loading: Promise<void> | undefined;

/** Loads the dictionaries once; a failed load is retried by the next call. */
export function loadTraditional(): Promise<void> {
  loading ??= import('opencc-js/preset/cn2t').then(provideTraditional, (error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
