/**
 * The two scripts as the site uses them. Conversion itself belongs to the text domain, whose
 * OpenCC converters are built once per process.
 */
import type { Script } from '../model';
import { toHans, toHant } from '../text/script';

/**
 * The publisher re-renders the whole site on every batch of changes, and almost every text is
 * the same as last time; remembering conversions makes a warm re-render skip OpenCC, which is
 * most of the rendering cost. Bounded so a long-lived process cannot grow without limit.
 */
const MEMO_LIMIT = 50_000;
const memo: Record<Script, Map<string, string>> = { hans: new Map(), hant: new Map() };

export function convertTo(script: Script, text: string): string {
  const cache = memo[script];
  const known = cache.get(text);
  if (known !== undefined) return known;
  const converted = script === 'hans' ? toHans(text) : toHant(text);
  if (cache.size >= MEMO_LIMIT) cache.clear();
  cache.set(text, converted);
  return converted;
}

export function otherScript(script: Script): Script {
  return script === 'hant' ? 'hans' : 'hant';
}

/** BCP 47 tag for the `lang` attribute. */
export function langTag(script: Script): 'zh-Hant' | 'zh-Hans' {
  return script === 'hant' ? 'zh-Hant' : 'zh-Hans';
}
