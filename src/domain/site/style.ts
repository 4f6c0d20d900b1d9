/**
 * The one stylesheet: readable type for long Chinese text, responsive without media-query
 * breakpoints for layout, visible focus, and a print version (the printable annex) that drops
 * navigation and forms and starts each case of a round's annex on a new page.
 * Colours meet WCAG 2.1 AA contrast (body text 16:1, links 8:1, header 9:1).
 */
export const STYLESHEET = `:root {
  --text: #1b1b1b;
  --muted: #4a4a4a;
  --background: #ffffff;
  --panel: #f6f3ee;
  --accent: #8a1c1c;
  --link: #0b4f8a;
  --focus: #ffbf47;
  --rule: #d6d0c4;
  color-scheme: light;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  color: var(--text);
  background: var(--background);
  font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", "PingFang TC", "PingFang SC", "Microsoft JhengHei", "Microsoft YaHei", sans-serif;
  line-height: 1.8;
  overflow-wrap: anywhere;
}
:lang(zh-Hans) body, body:lang(zh-Hans) { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
a { color: var(--link); text-underline-offset: 0.2em; }
a:hover { text-decoration-thickness: 2px; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, main:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
  box-shadow: 0 0 0 5px var(--text);
}
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip-link { position: absolute; left: 0.5rem; top: -10rem; z-index: 10; padding: 0.5rem 1rem; background: var(--background); color: var(--link); }
.skip-link:focus { top: 0.5rem; }
.site-header { background: var(--accent); color: #ffffff; }
.site-header .inner { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between; }
.site-name { margin: 0; font-size: 1.25rem; font-weight: 700; }
.site-header a { color: #ffffff; }
.language-switch { margin: 0; }
.inner { max-width: 52rem; margin: 0 auto; padding: 0.75rem 1rem; }
.breadcrumb ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem; color: var(--muted); font-size: 0.9375rem; }
.breadcrumb li + li::before { content: "›"; padding: 0 0.5rem; }
main { display: block; }
main:focus { outline: none; }
h1 { font-size: clamp(1.5rem, 4vw, 2rem); line-height: 1.4; margin: 1rem 0; }
h2 { font-size: 1.375rem; line-height: 1.4; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.125rem; line-height: 1.5; margin: 1.75rem 0 0.5rem; }
p { margin: 0 0 0.75rem; }
.lead { text-indent: 2em; }
.meta { color: var(--muted); font-size: 0.9375rem; }
.updated, .withdrawn-note { border-left: 4px solid var(--accent); background: var(--panel); padding: 0.5rem 0.75rem; }
.rounds, .selected, .changes { padding-left: 1.5rem; }
.rounds li, .selected li, .changes li { margin-bottom: 0.5rem; }
.case { border-top: 1px solid var(--rule); padding-top: 0.25rem; }
.field-label { font-weight: 700; }
.status { display: inline-block; padding: 0 0.5rem; border: 1px solid var(--accent); color: var(--accent); border-radius: 0.25rem; font-size: 0.875rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; }
form.objection { background: var(--panel); padding: 1rem; border-radius: 0.25rem; }
form.objection label { display: block; font-weight: 700; margin-bottom: 0.25rem; }
form.objection select, form.objection textarea, form.objection input { width: 100%; font: inherit; padding: 0.5rem; border: 1px solid #6b6b6b; border-radius: 0.25rem; background: #ffffff; color: var(--text); }
form.objection button { font: inherit; padding: 0.5rem 1.5rem; background: var(--accent); color: #ffffff; border: 0; border-radius: 0.25rem; cursor: pointer; }
.site-footer { margin-top: 3rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.9375rem; }
.site-footer ul { list-style: none; padding: 0; margin: 0 0 0.5rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
[hidden] { display: none !important; }
.site-search { margin: 0; }
form.search { background: var(--panel); padding: 1rem; border-radius: 0.25rem; margin-bottom: 1rem; }
form.search label { display: block; font-weight: 700; margin-bottom: 0.25rem; }
form.search input, form.search select { width: 100%; font: inherit; padding: 0.5rem; border: 1px solid #6b6b6b; border-radius: 0.25rem; background: #ffffff; color: var(--text); }
.search-filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0 1rem; }
form.search button { font: inherit; padding: 0.5rem 1.5rem; background: var(--accent); color: #ffffff; border: 0; border-radius: 0.25rem; cursor: pointer; }
.search-results { padding-left: 1.5rem; }
.search-results li { margin-bottom: 0.75rem; }
.search-results .meta { display: block; }
@media (max-width: 30rem) {
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 0.5rem; }
}
@page { size: A4; margin: 22mm 18mm 20mm; }
@media print {
  :root { --text: #000000; --link: #000000; --muted: #000000; }
  body { font-size: 11pt; line-height: 1.6; }
  /* the printed annex: no navigation, forms, links to other pages or site chrome; the running
     header (page title and date) and page numbers come from the browser's print header, which
     \`casebook export --pdf\` sets explicitly */
  .skip-link, .site-header, .breadcrumb, .site-footer, form.objection, form.search, .site-search, #search-status { display: none !important; }
  .inner { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h1 { font-size: 18pt; margin-top: 0; }
  h2, h3 { break-after: avoid; }
  p, li { orphans: 2; widows: 2; }
  section[aria-labelledby="annex-title"] { break-before: page; }
  .case { border-top: 0; }
  .case ~ .case { break-before: page; }
  .case a[href] { display: none; }
  .case p:has(> a[href]) { display: none; }
  .updated { border-left: 2pt solid #000000; background: none; }
}
`;
