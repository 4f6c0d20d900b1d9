/**
 * HTML that escapes by default.
 *
 * Every interpolated value in an `html` template is escaped unless it is already `SafeHtml`
 * (produced by another `html` template or by `trustedHtml`, which only this module's callers
 * use for fixed markup). Applicant text can therefore only reach a page as text.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESCAPE_PATTERN = /[&<>"']/g;

/** Escapes text for element content and quoted attribute values (also valid XML). */
export function escapeHtml(text: string): string {
  return ESCAPE_PATTERN.test(text) ? text.replace(ESCAPE_PATTERN, (c) => ESCAPES[c]!) : text;
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value as readonly HtmlValue[]) out += render(item);
    return out;
  }
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted markup, every `${value}` is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
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
