/**
 * Simplified ⇄ Traditional conversion and script detection.
 *
 * Each converter is built on its first use and then kept for the process: building one loads
 * OpenCC's dictionaries, which costs far more than converting a whole dossier, and most Lambda
 * functions import this module (through the units registry) without ever converting text, so
 * building at import would tax every cold start for nothing.
 *
 * Only the per-dictionary modules are imported, not the `opencc-js` entry point: that file
 * carries its own copy of every dictionary (1.2 MB) beside them.
 *
 * The two directions differ a hundredfold in size. To Simplified needs ~70 KB of dictionaries,
 * imported statically. To Traditional needs the Simplified→Traditional phrase table (STPhrases,
 * 1 MB): merely having it in a bundle's init code cost ~16 ms of CPU at every cold start (UTF-8
 * decoding, compiling and the source-map line scan of a 1 MB module), in functions whose calls
 * mostly never convert to Traditional (the API, the publisher on records it ignores). So that
 * preset is reached only by `import()`, which esbuild splits into a chunk of its own:
 * `loadTraditional()` (./traditional.ts, a module of its own so that only the bundles that
 * convert to Traditional carry that chunk) loads it, and the entry points that convert to Traditional in a Lambda
 * bundle (validation, publishing, the exports) await it first. Anywhere else (tests, the CLI,
 * scripts) a first sync use without it loads the preset from node_modules synchronously; a
 * bundle has no node_modules, so there a missing `loadTraditional()` fails loudly instead.
 */
import { ConverterBuilder, ConverterFactory, type ConverterFunction } from 'opencc-js/core';
import fromHk from 'opencc-js/from/hk';
import fromTw from 'opencc-js/from/tw';
import toCn from 'opencc-js/to/cn';
import type { Script } from '../model';

/**
 * Traditional → Simplified in two passes instead of four: Hong Kong and Taiwan variant forms
 * (e.g. 台/臺 forms, 裏) are folded to standard Traditional in one trie, then converted. Chaining
 * the library's hk→cn and tw→cn converters gives the same text (checked on the seed page and the
 * whole unit registry by a unit test) at about a third of the cost, which matters when the site
 * mirrors a thousand dossiers.
 */
let anyHantToHans: ConverterFunction | undefined;
/** The library's cn→hk converter (segmentation, normalisation), built from the cn2t preset alone. */
let hansToHant: ConverterFunction | undefined;

/** Simplified script. Accepts Traditional (Hong Kong or Taiwan forms) or mixed text. */
export function toHans(s: string): string {
  anyHantToHans ??= ConverterFactory([...fromHk[0]!, ...fromTw[0]!], ...toCn);
  return anyHantToHans(s);
}

type TraditionalPreset = typeof import('opencc-js/preset/cn2t');
let traditionalPreset: TraditionalPreset | undefined;

/** Hands over the preset that `loadTraditional()` (./traditional.ts) imported. */
export function provideTraditional(preset: TraditionalPreset): void {
  traditionalPreset ??= preset;
}

export class TraditionalNotLoadedError extends Error {
  constructor(cause: unknown) {
    super('OpenCC Simplified→Traditional dictionaries are not loaded: await loadTraditional() before converting to Traditional', {
      cause,
    });
    this.name = 'TraditionalNotLoadedError';
  }
}

function traditional(): TraditionalPreset {
  if (traditionalPreset) return traditionalPreset;
  try {
    // Not through esbuild (it would bundle the preset back into the init code): Node's own
    // require of the ES module, which resolves from node_modules where there is one.
    const { createRequire } = process.getBuiltinModule('node:module');
    traditionalPreset = createRequire(import.meta.url)('opencc-js/preset/cn2t') as TraditionalPreset;
  } catch (error) {
    throw new TraditionalNotLoadedError(error);
  }
  return traditionalPreset;
}

/** Traditional script (Hong Kong standard, the forms the province's published pages use). */
export function toHant(s: string): string {
  hansToHant ??= ConverterBuilder(traditional())({ from: 'cn', to: 'hk' });
  return hansToHant(s);
}

/**
 * Which script a text is written in: the direction in which conversion changes fewer characters.
 * Text with no script-specific characters counts as Traditional, the province's publishing script.
 */
export function detectScript(s: string): Script {
  const { hans, hant } = scriptEvidence(s);
  return hans > hant ? 'hans' : 'hant';
}

/** Counts of characters that only exist in one script (changed by conversion to the other). */
export function scriptEvidence(s: string): { hans: number; hant: number } {
  const asHans = toHans(s);
  const asHant = toHant(s);
  let hans = 0;
  let hant = 0;
  const a = [...s];
  const h = [...asHans];
  const t = [...asHant];
  // Conversions are character-for-character for the vast majority of text; when lengths differ
  // (phrase tables), fall back to comparing whole strings.
  if (a.length === h.length && a.length === t.length) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== h[i]) hant++;
      if (a[i] !== t[i]) hans++;
    }
  } else {
    if (asHans !== s) hant++;
    if (asHant !== s) hans++;
  }
  return { hans, hant };
}

/** A comparison key for near-duplicate checks: Simplified, NFC, no whitespace or punctuation. */
export function comparisonKey(s: string): string {
  return toHans(s.normalize('NFC')).replace(/[\s\p{P}\p{S}]+/gu, '');
}
