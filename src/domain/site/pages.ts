/**
 * Page templates. Every page is a full document with the same landmarks (banner, navigation,
 * main, contentinfo), one h1, a skip link, a link to the same page in the other script, and one
 * external stylesheet: no inline script or style, so a strict CSP holds.
 */
import type { Level, Script } from '../model';
import { chineseDate, isoDate } from './format';
import { html, paragraphs, type SafeHtml } from './html';
import { itemLabel, roundName, roundOrdinal, roundTitle, type Labels } from './labels';
import { pathSegment, relativeUrl, sitePaths } from './paths';
import { langTag, otherScript } from './script';
import type { SiteCase, SiteRound } from './snapshot';

export interface PageOptions {
  /** Public base URL of the site, with a trailing slash. */
  baseUrl: string;
  /** Base URL of the HTTP API (objections are posted there), without a trailing slash. */
  apiBaseUrl: string;
  /**
   * Page chrome already rendered during this render, by script and directory. The renderer
   * passes a fresh map per render; without one every page renders its chrome itself.
   */
  chrome?: Map<string, { labels: Labels; chrome: Chrome }>;
}

interface Crumb {
  label: string;
  path?: string;
}

interface PageSpec {
  path: string;
  script: Script;
  labels: Labels;
  title: string;
  /** The same page in the other script. */
  alternatePath: string;
  /** Where search engines should index this content (the round's own script). */
  canonicalPath: string;
  crumbs: Crumb[];
  body: SafeHtml;
  footerLinks?: SafeHtml;
}

/**
 * The parts of every page's markup between its own values. They depend only on the script (its
 * labels) and on the page's directory (relative links), so the thousands of case pages of a
 * round, which share both, render them once instead of escaping the same labels and computing
 * the same links on every page. Joined in `layout` with the page's own values, they give
 * exactly the document the single template gave (a byte-for-byte test holds every page).
 */
interface Chrome {
  /** up to `<title>` */
  head: SafeHtml;
  /** after the title, up to the canonical URL */
  afterTitle: SafeHtml;
  /** after the canonical URL, up to this page's URL */
  afterCanonical: SafeHtml;
  /** after this page's URL, up to the other script's URL */
  afterSelf: SafeHtml;
  /** after the other script's URL, up to the language switch's link */
  afterAlternate: SafeHtml;
  /** after the language switch's link, up to the breadcrumb items */
  afterSwitch: SafeHtml;
  /** after the breadcrumb items, up to the body */
  afterCrumbs: SafeHtml;
  /** after the body, up to the footer links */
  afterBody: SafeHtml;
  /** after the footer links, to the end */
  tail: SafeHtml;
}

function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

function renderChrome(path: string, script: Script, labels: Labels): Chrome {
  // relativeUrl depends only on the directory of the page it starts from
  const link = (to: string) => relativeUrl(path, to);
  const other = otherScript(script);
  const chrome: Chrome = {
    head: html`<!doctype html>
<html lang="${langTag(script)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>`,
    afterTitle: html` - ${labels.siteName}</title>
<link rel="stylesheet" href="${link(sitePaths.stylesheet)}">
<link rel="canonical" href="`,
    afterCanonical: html`">
<link rel="alternate" hreflang="${langTag(script)}" href="`,
    afterSelf: html`">
<link rel="alternate" hreflang="${langTag(other)}" href="`,
    afterAlternate: html`">
<link rel="alternate" type="application/atom+xml" title="${labels.feed}" href="${link(sitePaths.feed(script))}">
</head>
<body>
<a class="skip-link" href="#main">${labels.skipToContent}</a>
<header class="site-header">
<div class="inner">
<p class="site-name"><a href="${link(sitePaths.siteIndex(script))}">${labels.siteName}</a></p>
<p class="site-search"><a href="${link(sitePaths.search(script))}">${labels.search}</a></p>
<nav class="language-switch" aria-label="${labels.languageNav}"><a href="`,
    afterSwitch: html`" hreflang="${langTag(other)}" lang="${langTag(other)}" rel="alternate">${labels.switchTo}</a></nav>
</div>
</header>
<nav class="breadcrumb" aria-label="${labels.breadcrumb}"><div class="inner"><ol>`,
    afterCrumbs: html`</ol></div></nav>
<main id="main" tabindex="-1"><div class="inner">
`,
    afterBody: html`
</div></main>
<footer class="site-footer"><div class="inner">
<ul>`,
    tail: html`<li><a href="${link(sitePaths.feed(script))}" type="application/atom+xml">${labels.feed}</a></li></ul>
<p>${labels.footer}</p>
</div></footer>
</body>
</html>
`,
  };
  // joined now, so each page copies nine strings instead of walking and escaping their parts
  for (const part of Object.values(chrome)) void part.value;
  return chrome;
}

function chromeFor(spec: PageSpec, options: PageOptions): Chrome {
  const key = `${spec.script}:${directoryOf(spec.path)}`;
  const known = options.chrome?.get(key);
  if (known && known.labels === spec.labels) return known.chrome;
  const chrome = renderChrome(spec.path, spec.script, spec.labels);
  options.chrome?.set(key, { labels: spec.labels, chrome });
  return chrome;
}

export function layout(spec: PageSpec, options: PageOptions): string {
  const { path } = spec;
  const link = (to: string) => relativeUrl(path, to);
  const crumbs = spec.crumbs.map((crumb, i) =>
    crumb.path && i < spec.crumbs.length - 1
      ? html`<li><a href="${link(crumb.path)}">${crumb.label}</a></li>`
      : html`<li><span aria-current="page">${crumb.label}</span></li>`,
  );
  const c = chromeFor(spec, options);
  return html`${c.head}${spec.title}${c.afterTitle}${options.baseUrl + spec.canonicalPath}${c.afterCanonical}${options.baseUrl + spec.path}${c.afterSelf}${options.baseUrl + spec.alternatePath}${c.afterAlternate}${link(spec.alternatePath)}${c.afterSwitch}${crumbs}${c.afterCrumbs}${spec.body}${c.afterBody}${spec.footerLinks ?? ''}${c.tail}`
    .value;
}

/** Round views are already in the page's script and already redacted. */
export interface RoundView {
  round: SiteRound;
  labels: Labels;
  script: Script;
}

function activeCases(round: SiteRound): SiteCase[] {
  return round.cases.filter((c) => !c.withdrawn);
}

function lastCorrection(c: SiteCase): string | undefined {
  return c.corrections.length > 0 ? c.corrections[c.corrections.length - 1]!.at : undefined;
}

/**
 * A case's long texts as markup, made once and shared by the two pages that show them in full
 * (its own page and the round's annex) instead of split and escaped for each. Keyed by the case
 * object, which every render makes afresh (redaction copies each case), so an entry never
 * outlives the render that made it; the source texts are kept and compared, so a case object
 * changed in between could never be shown with stale text.
 */
interface CaseTexts {
  practicesSource: string;
  reasonSource: string;
  practices: SafeHtml;
  reason: SafeHtml;
}
const caseTexts = new WeakMap<SiteCase, CaseTexts>();

function textsOf(c: SiteCase): CaseTexts {
  let texts = caseTexts.get(c);
  if (!texts || texts.practicesSource !== c.practices || texts.reasonSource !== c.reason) {
    texts = { practicesSource: c.practices, reasonSource: c.reason, practices: paragraphs(c.practices), reason: paragraphs(c.reason) };
    // joined now, so each page that shows them copies one string instead of walking the parts
    void texts.practices.value;
    void texts.reason.value;
    caseTexts.set(c, texts);
  }
  return texts;
}

function time(iso: string | undefined): SafeHtml {
  return iso ? html`<time datetime="${isoDate(iso)}">${chineseDate(iso)}</time>` : html``;
}

export function sortRoundsNewestFirst(rounds: readonly SiteRound[]): SiteRound[] {
  return [...rounds].sort((a, b) => b.year - a.year || b.number - a.number || (a.roundId < b.roundId ? -1 : 1));
}

export function siteIndexPage(path: string, script: Script, labels: Labels, rounds: readonly SiteRound[], options: PageOptions): string {
  const link = (to: string) => relativeUrl(path, to);
  const items = sortRoundsNewestFirst(rounds).map(
    (round) => html`<li>
<a href="${link(sitePaths.round(script, round.roundId))}">${roundTitle(labels, round.number, round.status)}</a>
<span class="status">${round.status === 'NOTICE' ? labels.statusNotice : labels.statusApproved}</span>
<p class="meta">${labels.year}：${round.year}　${labels.theme}：${round.theme}　${labels.caseCount}：${activeCases(round).length}</p>
</li>`,
  );
  return layout(
    {
      path,
      script,
      labels,
      title: labels.home,
      alternatePath: sitePaths.siteIndex(otherScript(script)),
      canonicalPath: sitePaths.siteIndex(script),
      crumbs: [{ label: labels.home }],
      body: html`<h1>${labels.siteName}</h1>
<h2>${labels.roundsHeading}</h2>
${items.length > 0 ? html`<ol class="rounds" reversed>${items}</ol>` : html`<p>${labels.noRounds}</p>`}`,
    },
    options,
  );
}

function roundCrumbs(view: RoundView, current?: string): Crumb[] {
  const { round, labels, script } = view;
  const crumbs: Crumb[] = [
    { label: labels.home, path: sitePaths.siteIndex(script) },
    { label: roundName(labels, round.number), path: sitePaths.round(script, round.roundId) },
  ];
  if (current) crumbs.push({ label: current });
  return crumbs;
}

/**
 * A round's footer links by directory, per view: every case page of a round shares one. Views
 * are made afresh by every render, so this never outlives the render.
 */
const footers = new WeakMap<RoundView, Map<string, SafeHtml>>();

function roundFooter(path: string, view: RoundView): SafeHtml {
  let byDirectory = footers.get(view);
  if (!byDirectory) footers.set(view, (byDirectory = new Map()));
  const dir = directoryOf(path);
  let footer = byDirectory.get(dir);
  if (!footer) {
    footer = renderRoundFooter(path, view);
    void footer.value;
    byDirectory.set(dir, footer);
  }
  return footer;
}

function renderRoundFooter(path: string, view: RoundView): SafeHtml {
  const { round, labels, script } = view;
  const link = (to: string) => relativeUrl(path, to);
  return html`<li><a href="${link(sitePaths.roundJson(round.roundId))}" type="application/json">${labels.dataJson}</a></li>
<li><a href="${link(sitePaths.roundCsv(round.roundId))}" type="text/csv">${labels.dataCsv}</a></li>
<li><a href="${link(sitePaths.changes(script, round.roundId))}">${labels.changesLink}</a></li>`;
}

/** “title”, with the title's own double quotes turned single, as the office writes nested quotes. */
function quoted(text: string): string {
  return `“${text.replace(/“/g, '‘').replace(/”/g, '’')}”`;
}

function annex(path: string, view: RoundView): SafeHtml {
  const { round, labels, script } = view;
  const link = (to: string) => relativeUrl(path, to);
  const name = roundName(labels, round.number);
  const articles = activeCases(round).map((c) => {
    const corrected = lastCorrection(c);
    return html`<article class="case" id="case-${pathSegment(c.caseId)}" aria-labelledby="case-${pathSegment(c.caseId)}-title">
<h3 id="case-${pathSegment(c.caseId)}-title"><span class="case-number">${itemLabel(labels, c.order)}</span>：<span class="case-title">${c.title}</span></h3>
${corrected ? html`<p class="updated">${labels.updated}（${labels.updatedOn}${time(corrected)}）</p>` : ''}
<p><span class="field-label">${labels.unit}：</span><span class="case-unit">${c.unit.name}</span></p>
<div class="case-practices"><p class="field-label">${labels.practices}：</p>${textsOf(c).practices}</div>
<div class="case-reason"><p class="field-label">${labels.reason}：</p>${textsOf(c).reason}</div>
<p><a href="${link(sitePaths.case(script, round.roundId, c.caseId))}">${labels.casePage}<span class="visually-hidden">：${c.title}</span></a></p>
</article>`;
  });
  return html`<section aria-labelledby="annex-title">
<h2 id="annex-title">${labels.annexPrefix}${name}</h2>
${articles}
</section>`;
}

function selectedList(path: string, view: RoundView, heading: string): SafeHtml {
  const { round, labels, script } = view;
  const link = (to: string) => relativeUrl(path, to);
  const items = activeCases(round).map(
    (c) =>
      html`<li value="${c.order}"><span class="case-unit">${c.unit.name}</span>　<a href="${link(sitePaths.case(script, round.roundId, c.caseId))}">${quoted(c.title)}</a></li>`,
  );
  return html`<section aria-labelledby="selected-title"><h2 id="selected-title">${heading}</h2><ol class="selected">${items}</ol></section>`;
}

function withdrawals(path: string, view: RoundView): SafeHtml {
  const { round, labels } = view;
  const withdrawn = round.cases.filter((c) => c.withdrawn);
  if (withdrawn.length === 0) return html``;
  return html`<section aria-labelledby="withdrawn-title"><h2 id="withdrawn-title">${labels.withdrawalsHeading}</h2><ul class="changes">${withdrawn.map(
    (c) =>
      html`<li>${itemLabel(labels, c.order)}：${quoted(c.title)}（${c.unit.name}）　${labels.withdrawnOn}：${time(c.withdrawnAt)}</li>`,
  )}</ul></section>`;
}

function roundUpdatedNote(view: RoundView): SafeHtml {
  const { round, labels } = view;
  const latest = round.cases
    .flatMap((c) => [...c.corrections.map((x) => x.at), ...(c.withdrawnAt ? [c.withdrawnAt] : [])])
    .sort()
    .pop();
  return latest ? html`<p class="updated">${labels.updated}（${labels.updatedOn}${time(latest)}）</p>` : html``;
}

/**
 * The announcement's paragraph as the office words it (the round page and the Word export both
 * print it), in the view's script; the round's cases are already in that script.
 */
export function announcementLead(view: RoundView): string {
  const { round, labels, script } = view;
  const name = roundName(labels, round.number);
  const cases = activeCases(round);
  const listing = cases.map((c) => `${c.unit.name}${quoted(c.title)}`).join('，');
  const words =
    script === 'hant'
      ? {
          intro: `根據常委會工作安排，省人大常委會辦公廳以${quoted(round.theme)}為主題，開展了${roundOrdinal(labels, round.number)}全省縣鄉人大工作創新案例征集工作。經自主申報、資格審查、專家評審、領導會議審定和社會公示等環節，確定`,
          outro: `等${cases.length}個項目為${name}。具體見附件。`,
        }
      : {
          intro: `根据常委会工作安排，省人大常委会办公厅以${quoted(round.theme)}为主题，开展了${roundOrdinal(labels, round.number)}全省县乡人大工作创新案例征集工作。经自主申报、资格审查、专家评审、领导会议审定和社会公示等环节，确定`,
          outro: `等${cases.length}个项目为${name}。具体见附件。`,
        };
  return `${words.intro}${cases.length > 0 ? listing : ''}${words.outro}`;
}

export function announcementPage(path: string, view: RoundView, options: PageOptions): string {
  const { round, labels, script } = view;
  const title = roundTitle(labels, round.number, 'APPROVED');
  return layout(
    {
      path,
      script,
      labels,
      title,
      alternatePath: sitePaths.round(otherScript(script), round.roundId),
      canonicalPath: sitePaths.round(round.script, round.roundId),
      crumbs: roundCrumbs(view),
      footerLinks: roundFooter(path, view),
      body: html`<h1>${title}</h1>
<p class="meta">${labels.publishedOn}：${time(round.approvedAt)}</p>
${roundUpdatedNote(view)}
<p class="lead">${announcementLead(view)}</p>
${selectedList(path, view, labels.selectedHeading)}
${withdrawals(path, view)}
${annex(path, view)}
<p><a href="${relativeUrl(path, sitePaths.changes(script, round.roundId))}">${labels.changesLink}</a></p>`,
    },
    options,
  );
}

export function noticePage(path: string, view: RoundView, options: PageOptions): string {
  const { round, labels, script } = view;
  const cases = activeCases(round);
  const title = roundTitle(labels, round.number, 'NOTICE');
  const name = roundName(labels, round.number);
  const action = `${options.apiBaseUrl}/rounds/${encodeURIComponent(round.roundId)}/objections`;
  const intro =
    script === 'hant'
      ? `經自主申報、資格審查、專家評審和領導會議研究，擬確定以下${cases.length}個項目為${name}，現予公示。`
      : `经自主申报、资格审查、专家评审和领导会议研究，拟确定以下${cases.length}个项目为${name}，现予公示。`;
  return layout(
    {
      path,
      script,
      labels,
      title,
      alternatePath: sitePaths.round(otherScript(script), round.roundId),
      canonicalPath: sitePaths.round(round.script, round.roundId),
      crumbs: roundCrumbs(view),
      footerLinks: roundFooter(path, view),
      body: html`<h1>${title}</h1>
<dl class="facts">
<dt>${labels.theme}</dt><dd>${round.theme}</dd>
<dt>${labels.noticePeriod}</dt><dd>${time(round.noticeStartsAt)} ${labels.to} ${time(round.noticeEndsAt)}</dd>
</dl>
${roundUpdatedNote(view)}
<p class="lead">${intro}</p>
${selectedList(path, view, labels.proposedHeading)}
${withdrawals(path, view)}
<section aria-labelledby="object-title">
<h2 id="object-title">${labels.objectHeading}</h2>
<p>${labels.objectIntro}</p>
<p><span class="field-label">${labels.noticeUntil}：</span>${time(round.noticeEndsAt)}</p>
<form class="objection" method="post" action="${action}" accept-charset="utf-8">
<input type="hidden" name="returnTo" value="${options.baseUrl + sitePaths.objectionReceived(script, round.roundId)}">
<input type="hidden" name="script" value="${script}">
<p><label for="objection-case">${labels.objectCase}</label>
<select id="objection-case" name="caseId" required>${cases.map((c) => html`<option value="${c.caseId}">${itemLabel(labels, c.order)}：${c.title}（${c.unit.name}）</option>`)}</select></p>
<p><label for="objection-text">${labels.objectText}</label>
<textarea id="objection-text" name="text" required minlength="10" maxlength="2000" rows="8"></textarea></p>
<p><label for="objection-contact">${labels.objectContact}</label>
<input id="objection-contact" name="contact" type="text" maxlength="200" autocomplete="email"></p>
<p><button type="submit">${labels.objectSubmit}</button></p>
</form>
</section>
${annex(path, view)}`,
    },
    options,
  );
}

export function objectionReceivedPage(path: string, view: RoundView, options: PageOptions): string {
  const { round, labels, script } = view;
  return layout(
    {
      path,
      script,
      labels,
      title: labels.objectReceivedTitle,
      alternatePath: sitePaths.objectionReceived(otherScript(script), round.roundId),
      canonicalPath: sitePaths.objectionReceived(round.script, round.roundId),
      crumbs: roundCrumbs(view, labels.objectReceivedTitle),
      body: html`<h1>${labels.objectReceivedTitle}</h1>
<p>${labels.objectReceivedBody}</p>
<p><a href="${relativeUrl(path, sitePaths.round(script, round.roundId))}">${labels.backToNotice}</a></p>`,
    },
    options,
  );
}

export function casePage(path: string, view: RoundView, c: SiteCase, options: PageOptions): string {
  const { round, labels, script } = view;
  const link = (to: string) => relativeUrl(path, to);
  const roundLabel = roundTitle(labels, round.number, round.status);
  const corrections = c.corrections.map((x) => html`<li>${time(x.at)}：${x.note}</li>`);
  const corrected = lastCorrection(c);
  return layout(
    {
      path,
      script,
      labels,
      title: c.title,
      alternatePath: sitePaths.case(otherScript(script), round.roundId, c.caseId),
      canonicalPath: sitePaths.case(round.script, round.roundId, c.caseId),
      crumbs: roundCrumbs(view, itemLabel(labels, c.order)),
      footerLinks: roundFooter(path, view),
      body: html`<h1>${c.title}</h1>
${corrected ? html`<p class="updated">${labels.updated}（${labels.updatedOn}${time(corrected)}）</p>` : ''}
<dl class="facts">
<dt>${labels.caseOf}</dt><dd><a href="${link(sitePaths.round(script, round.roundId))}">${roundLabel}</a></dd>
<dt>${labels.itemPrefix}</dt><dd>${itemLabel(labels, c.order)}</dd>
<dt>${labels.status}</dt><dd>${round.status === 'NOTICE' ? labels.proposed : labels.selected}</dd>
<dt>${labels.unit}</dt><dd class="case-unit">${c.unit.name}</dd>
<dt>${labels.city}</dt><dd>${c.unit.city}</dd>
</dl>
<section aria-labelledby="practices-title"><h2 id="practices-title">${labels.practices}</h2><div class="case-practices">${textsOf(c).practices}</div></section>
${c.outcomes.trim() ? html`<section aria-labelledby="outcomes-title"><h2 id="outcomes-title">${labels.outcomes}</h2>${paragraphs(c.outcomes)}</section>` : ''}
<section aria-labelledby="reason-title"><h2 id="reason-title">${labels.reason}</h2><div class="case-reason">${textsOf(c).reason}</div></section>
${corrections.length > 0 ? html`<section aria-labelledby="corrections-title"><h2 id="corrections-title">${labels.correctionsHeading}</h2><ul class="changes">${corrections}</ul></section>` : ''}`,
    },
    options,
  );
}

export function changesPage(path: string, view: RoundView, options: PageOptions): string {
  const { round, labels, script } = view;
  const link = (to: string) => relativeUrl(path, to);
  const corrections = round.cases
    .filter((c) => !c.withdrawn)
    .flatMap((c) => c.corrections.map((x) => ({ c, x })))
    .sort((a, b) => (a.x.at < b.x.at ? -1 : a.x.at > b.x.at ? 1 : a.c.order - b.c.order))
    .map(
      ({ c, x }) =>
        html`<li>${time(x.at)}　<a href="${link(sitePaths.case(script, round.roundId, c.caseId))}">${itemLabel(labels, c.order)}：${quoted(c.title)}</a>：${x.note}</li>`,
    );
  const hasWithdrawals = round.cases.some((c) => c.withdrawn);
  const title = `${roundName(labels, round.number)}${labels.changesHeading}`;
  return layout(
    {
      path,
      script,
      labels,
      title,
      alternatePath: sitePaths.changes(otherScript(script), round.roundId),
      canonicalPath: sitePaths.changes(round.script, round.roundId),
      crumbs: roundCrumbs(view, labels.changesHeading),
      footerLinks: roundFooter(path, view),
      body: html`<h1>${title}</h1>
${corrections.length === 0 && !hasWithdrawals ? html`<p>${labels.noChanges}</p>` : ''}
${corrections.length > 0 ? html`<section aria-labelledby="corrections-title"><h2 id="corrections-title">${labels.correctionsHeading}</h2><ul class="changes">${corrections}</ul></section>` : ''}
${withdrawals(path, view)}`,
    },
    options,
  );
}

export function notFoundPage(options: PageOptions): string {
  // Served for any missing path at any depth, so its links are absolute from the base URL.
  const hant = html`<p>找不到頁面。您要找的頁面不存在或已移除。 <a href="${options.baseUrl + sitePaths.siteIndex('hant')}">返回首頁</a></p>`;
  const hans = html`<p lang="zh-Hans">找不到页面。您要找的页面不存在或已移除。 <a href="${options.baseUrl + sitePaths.siteIndex('hans')}">返回首页</a></p>`;
  return html`<!doctype html>
<html lang="zh-Hant">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>找不到頁面 / 找不到页面</title>
<link rel="stylesheet" href="${options.baseUrl + sitePaths.stylesheet}">
</head>
<body>
<main id="main"><div class="inner">
<h1>找不到頁面（404）</h1>
${hant}
${hans}
</div></main>
</body>
</html>
`.value;
}

/** A case on the search page, with its number in the search index. */
export interface SearchEntry {
  doc: number;
  round: SiteRound;
  c: SiteCase;
}

export function levelLabel(labels: Labels, level: Level): string {
  return level === 'county' ? labels.level_county : labels.level_township;
}

/**
 * The search page: without JavaScript a plain list of every case on the site, grouped by round
 * (newest first); the static search script reveals the form and filters the list in place, by
 * the index's document numbers and the round, city and level each item carries.
 */
export function searchPage(
  path: string,
  script: Script,
  labels: Labels,
  rounds: readonly SiteRound[],
  entries: ReadonlyMap<SiteCase, number>,
  options: PageOptions,
): string {
  const link = (to: string) => relativeUrl(path, to);
  const ordered = sortRoundsNewestFirst(rounds);
  const all = ordered.flatMap((round) => activeCases(round));
  const cities = [...new Set(all.map((c) => c.unit.city).filter((city) => city.length > 0))].sort((a, b) => a.localeCompare(b, 'zh'));
  const levels = LEVEL_ORDER.filter((level) => all.some((c) => c.level === level));
  const sections = ordered
    .filter((round) => activeCases(round).length > 0)
    .map((round) => {
      const items = activeCases(round).map(
        (
          c,
        ) => html`<li data-doc="${entries.get(c) ?? -1}" data-round="${round.roundId}" data-city="${c.unit.city}" data-level="${c.level ?? ''}">
<a href="${link(sitePaths.case(script, round.roundId, c.caseId))}">${itemLabel(labels, c.order)}：<span class="case-title">${c.title}</span></a>
<span class="meta"><span class="case-unit">${c.unit.name}</span>　${c.unit.city}${c.level ? html`　${levelLabel(labels, c.level)}` : ''}</span>
</li>`,
      );
      return html`<section class="search-round" data-round="${round.roundId}" aria-labelledby="search-round-${pathSegment(round.roundId)}">
<h2 id="search-round-${pathSegment(round.roundId)}"><a href="${link(sitePaths.round(script, round.roundId))}">${roundTitle(labels, round.number, round.status)}</a></h2>
<ol class="search-results">${items}</ol>
</section>`;
    });
  const option = (value: string, label: string) => html`<option value="${value}">${label}</option>`;
  return layout(
    {
      path,
      script,
      labels,
      title: labels.searchHeading,
      alternatePath: sitePaths.search(otherScript(script)),
      canonicalPath: sitePaths.search(script),
      crumbs: [{ label: labels.home, path: sitePaths.siteIndex(script) }, { label: labels.searchHeading }],
      body: html`<h1>${labels.searchHeading}</h1>
<p>${labels.searchIntro}</p>
<form class="search" role="search" method="get" action="" data-index="${link(sitePaths.searchIndex)}" data-found="${labels.searchFound}" data-none="${labels.searchNone}" hidden>
<p><label for="search-q">${labels.searchQuery}</label>
<input id="search-q" name="q" type="search" autocomplete="off" maxlength="100"></p>
<div class="search-filters">
<p><label for="search-round">${labels.searchRound}</label>
<select id="search-round" name="round">${option('', labels.searchAll)}${ordered.map((round) => option(round.roundId, roundName(labels, round.number)))}</select></p>
<p><label for="search-city">${labels.city}</label>
<select id="search-city" name="city">${option('', labels.searchAll)}${cities.map((city) => option(city, city))}</select></p>
<p><label for="search-level">${labels.searchLevel}</label>
<select id="search-level" name="level">${option('', labels.searchAll)}${levels.map((level) => option(level, levelLabel(labels, level)))}</select></p>
</div>
<p><button type="submit">${labels.searchSubmit}</button></p>
</form>
<p id="search-status" class="meta" role="status" aria-live="polite">${labels.searchAllCases}：${all.length}</p>
${sections.length > 0 ? sections : html`<p>${labels.noRounds}</p>`}
<script src="${link(sitePaths.searchScript)}" defer></script>`,
    },
    options,
  );
}

const LEVEL_ORDER: readonly Level[] = ['county', 'township'];
