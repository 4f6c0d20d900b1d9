/**
 * HTML that escapes by default.
 *
 * Every interpolated value in an `html` template is escaped unless it is already `SafeHtml`
 * (produced by another `html` template or by `trustedHtml`, which only this module's callers
 * use for fixed markup). Applicant text can therefore only reach a page as text.
 */

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

/**
 * Markup that is safe to place on a page.
 *
 * A template is kept as its parts and only turned into one string when `value` is read (once per
 * page, by `layout`): concatenating at every nested template built ropes of millions of tiny
 * strings per render, each a garbage object, and the manifest then paid to flatten them all
 * before hashing. Collecting every leaf of the page into one list and joining it copies each
 * character once. Values are escaped during that walk exactly as they were when concatenated;
 * the parts are never mutated after the template is made (page code builds fresh arrays), so
 * the result is the same string.
 */
export class SafeHtml {
  #value: string | undefined;
  readonly #strings: readonly string[] | undefined;
  readonly #values: readonly HtmlValue[] | undefined;

  constructor(value: string);
  /** @internal a template's literal parts and interpolated values, joined lazily */
  constructor(value: undefined, strings: readonly string[], values: readonly HtmlValue[]);
  constructor(value: string | undefined, strings?: readonly string[], values?: readonly HtmlValue[]) {
    this.#value = value;
    this.#strings = strings;
    this.#values = values;
  }

  get value(): string {
    if (this.#value === undefined) {
      const out: string[] = [];
      this.#collect(out);
      this.#value = out.join('');
    }
    return this.#value;
  }

  toString(): string {
    return this.value;
  }

  /** Appends this markup's pieces in order (or its string, once known). */
  #collect(out: string[]): void {
    if (this.#value !== undefined) {
      out.push(this.#value);
      return;
    }
    const strings = this.#strings!;
    const values = this.#values!;
    // empty literal parts (between adjacent values) are left out: joining costs per piece
    if (strings[0] !== '') out.push(strings[0]!);
    for (let i = 0; i < values.length; i++) {
      SafeHtml.#collectValue(values[i]!, out);
      if (strings[i + 1] !== '') out.push(strings[i + 1]!);
    }
  }

  static #collectValue(value: HtmlValue, out: string[]): void {
    if (value === null || value === undefined || value === false) return;
    if (value instanceof SafeHtml) {
      value.#collect(out);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value as readonly HtmlValue[]) SafeHtml.#collectValue(item, out);
      return;
    }
    out.push(escapeHtml(String(value)));
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESCAPE_PATTERN = /[&<>"']/g;

/** Escapes text for element content and quoted attribute values (also valid XML). */
export function escapeHtml(text: string): string {
  return ESCAPE_PATTERN.test(text) ? text.replace(ESCAPE_PATTERN, (c) => ESCAPES[c]!) : text;
}

/** Tagged template: literal parts are trusted markup, every `${value}` is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  return new SafeHtml(undefined, strings, values);
}

/** Marks fixed markup written in this codebase as safe; never pass data through it. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Plain text with line breaks as paragraphs, each escaped. */
export function paragraphs(text: string): SafeHtml {
  const parts = text
    .split(/\r?\n+/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return html`${parts.map((part) => html`<p>${part}</p>`)}`;
}
