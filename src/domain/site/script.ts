/**
 * The two scripts as the site uses them. Conversion itself belongs to the text domain, whose
 * OpenCC converters are built once per process.
 */
import type { Script } from '../model';
import { toHans, toHant } from '../text';

export function convertTo(script: Script, text: string): string {
  return script === 'hans' ? toHans(text) : toHant(text);
}

export function otherScript(script: Script): Script {
  return script === 'hant' ? 'hans' : 'hant';
}

/** BCP 47 tag for the `lang` attribute. */
export function langTag(script: Script): 'zh-Hant' | 'zh-Hans' {
  return script === 'hant' ? 'zh-Hant' : 'zh-Hans';
}
