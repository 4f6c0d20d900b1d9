/**
 * Simplified ⇄ Traditional conversion and script detection.
 *
 * Each converter is built on its first use and then kept for the process: building one loads
 * OpenCC's dictionaries, which costs far more than converting a whole dossier, and most Lambda
 * functions import this module (through the units registry) without ever converting text, so
 * building at import would tax every cold start for nothing.
 *
 * Only the Simplified→Traditional preset is imported, not the `opencc-js` entry point: that file
 * carries its own copy of every dictionary (1.2 MB) beside the per-dictionary modules used here.
 */
import { ConverterBuilder, ConverterFactory, type ConverterFunction } from 'opencc-js/core';
import fromHk from 'opencc-js/from/hk';
import fromTw from 'opencc-js/from/tw';
import * as simplifiedToTraditional from 'opencc-js/preset/cn2t';
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

/** Traditional script (Hong Kong standard, the forms the province's published pages use). */
export function toHant(s: string): string {
  hansToHant ??= ConverterBuilder(simplifiedToTraditional)({ from: 'cn', to: 'hk' });
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
