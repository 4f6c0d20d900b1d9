// @ts-check
/**
 * What every console page shares: where the API is, who is signed in, calling the API, live
 * announcements, the Traditional/Simplified switch and small DOM helpers.
 *
 * API base URL: `?api=URL` (kept in sessionStorage for the tab), else `config.json` beside the
 * pages (`{ "apiBaseUrl": "…", "auth": {…} }`, written at deployment and served by the local
 * cloud), else the developer form asks for it.
 *
 * Sign-in: OAuth 2.0 authorization code with PKCE against Cognito managed login (on the local
 * cloud, its local OpenID provider), through vendor/oauth.js: the same module the CLI runs
 * (src/auth/flow.ts with oauth4webapi). Tokens live in sessionStorage of this tab only, never in
 * a URL; they are refreshed before they expire; signing out goes through the logout endpoint.
 * A token is never taken from the address bar; pasting one is a developer option behind `#dev`.
 */
import { Converter } from '../vendor/opencc-t2cn.js';
import { ROLE_ZH, ROUND_STATUS_ZH } from '../vendor/labels.js';
import {
  SignInError,
  beginSignIn,
  completeSignIn,
  logoutUrl,
  needsRefresh,
  refreshDelayMs,
  refreshTokens,
  revokeRefreshToken,
  signedInClaims,
} from '../vendor/oauth.js';

const KEY = {
  api: 'casebook.api',
  tokens: 'casebook.tokens',
  pending: 'casebook.signin',
  round: 'casebook.round',
  script: 'casebook.script',
};

// ---------------------------------------------------------------------------------------------
// Configuration and sign-in

/** Moves ?api=, ?round= and ?script= into storage; a `token` query parameter is dropped unread and erased from the URL and history. */
function absorbUrlParams() {
  const url = new URL(location.href);
  const api = url.searchParams.get('api');
  const round = url.searchParams.get('round');
  const script = url.searchParams.get('script');
  if (api) sessionStorage.setItem(KEY.api, api.replace(/\/+$/, ''));
  if (round) sessionStorage.setItem(KEY.round, round);
  if (script === 'hans' || script === 'hant') localStorage.setItem(KEY.script, script);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + (url.search ? url.search : '') + url.hash);
  }
}
absorbUrlParams();

/** @type {Promise<{ apiBaseUrl?: string, auth?: any }> | undefined} */
let siteConfigPromise;
function siteConfig() {
  siteConfigPromise ??= (async () => {
    try {
      const res = await fetch(new URL('../config.json', import.meta.url), { cache: 'no-store' });
      if (res.ok) return await res.json();
    } catch {
      // no config.json: the developer form asks for the API
    }
    return {};
  })();
  return siteConfigPromise;
}

/** @returns {Promise<string|undefined>} */
export async function apiBase() {
  const stored = sessionStorage.getItem(KEY.api);
  if (stored) return stored;
  const cfg = await siteConfig();
  if (typeof cfg.apiBaseUrl === 'string' && cfg.apiBaseUrl) return cfg.apiBaseUrl.replace(/\/+$/, '');
  return undefined;
}

/** @type {Promise<any> | undefined} */
let authConfigPromise;
/** Where to sign in: config.json's `auth`, else the API's GET /auth/config. */
export function authConfig() {
  authConfigPromise ??= (async () => {
    const cfg = await siteConfig();
    const base = await apiBase();
    // an ?api= other than the deployment's own names its own sign-in
    if (cfg.auth && (!base || !cfg.apiBaseUrl || base === cfg.apiBaseUrl.replace(/\/+$/, ''))) return cfg.auth;
    if (!base) throw new ApiProblem(0, 'NO_API', { zh: '未設定伺服器位址。', en: 'No API base URL.' });
    let res;
    try {
      res = await fetch(`${base}/auth/config`, { headers: { accept: 'application/json' } });
    } catch {
      throw new ApiProblem(0, 'NETWORK', {
        zh: '無法連線到伺服器，請檢查網絡後再試。',
        en: 'Cannot reach the server; check the network and retry.',
      });
    }
    if (!res.ok)
      throw new ApiProblem(res.status, 'NO_AUTH_CONFIG', {
        zh: '伺服器沒有提供登入設定。',
        en: 'The server gave no sign-in configuration.',
      });
    return res.json();
  })();
  authConfigPromise.catch(() => (authConfigPromise = undefined));
  return authConfigPromise;
}

/** @returns {{ idToken: string, refreshToken?: string, issuedAt: number, expiresAt: number } | undefined} */
function storedTokens() {
  try {
    const t = JSON.parse(sessionStorage.getItem(KEY.tokens) ?? 'null');
    return t && typeof t.idToken === 'string' && typeof t.expiresAt === 'number' ? t : undefined;
  } catch {
    return undefined;
  }
}
/** @param {{ idToken: string, refreshToken?: string, issuedAt: number, expiresAt: number }} t */
function storeTokens(t) {
  // the access token is not kept: the API takes the ID token
  sessionStorage.setItem(
    KEY.tokens,
    JSON.stringify({
      idToken: t.idToken,
      ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
      issuedAt: t.issuedAt,
      expiresAt: t.expiresAt,
    }),
  );
}
function forgetTokens() {
  sessionStorage.removeItem(KEY.tokens);
  clearTimeout(refreshTimer);
}

/** The current ID token as stored (possibly about to expire: `freshToken` refreshes). */
export const token = () => storedTokens()?.idToken;

/** @type {Promise<string|undefined> | undefined} */
let refreshing;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;

/**
 * The ID token to send, refreshed first when it is close to expiry (one refresh at a time for
 * the whole page). Undefined when nobody is signed in or the sign-in could not be renewed.
 * @returns {Promise<string|undefined>}
 */
export async function freshToken() {
  const t = storedTokens();
  if (!t) return undefined;
  if (!needsRefresh(t)) return t.idToken;
  if (!t.refreshToken) return t.expiresAt > Date.now() / 1000 ? t.idToken : undefined;
  const refreshToken = t.refreshToken;
  refreshing ??= (async () => {
    try {
      const next = await refreshTokens(await authConfig(), refreshToken);
      storeTokens(next);
      scheduleRefresh();
      return next.idToken;
    } catch (err) {
      forgetTokens();
      throw err;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** Refreshes ahead of expiry even while the page is idle, so the next click does not wait. */
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const t = storedTokens();
  if (!t?.refreshToken) return;
  refreshTimer = setTimeout(() => {
    freshToken().then(showWho, (err) => {
      showWho();
      alertError(err);
    });
  }, refreshDelayMs(t));
}

/** Sends the browser to the sign-in page (managed login, or the local cloud's). */
export async function signIn() {
  const cfg = await authConfig();
  const { url, pending } = await beginSignIn(cfg, new URL('callback.html', location.href).href);
  sessionStorage.setItem(KEY.pending, JSON.stringify({ ...pending, returnTo: location.pathname + location.search }));
  location.assign(url);
}

/**
 * The callback page's work: checks the redirect against the request this tab made (state, then
 * the code with the PKCE verifier), keeps the tokens, and goes back to the page that asked.
 * The code leaves the address bar before anything else happens.
 * @returns {Promise<string>} where to go next
 */
export async function finishSignIn() {
  const callback = new URL(location.href);
  history.replaceState(null, '', location.pathname);
  /** @type {any} */
  let pending;
  try {
    pending = JSON.parse(sessionStorage.getItem(KEY.pending) ?? 'null') ?? undefined;
  } catch {
    pending = undefined;
  }
  sessionStorage.removeItem(KEY.pending);
  const tokens = await completeSignIn(await authConfig(), pending, callback);
  storeTokens(tokens);
  const back =
    typeof pending?.returnTo === 'string' && pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//')
      ? pending.returnTo
      : './';
  return /callback\.html/.test(back) ? './' : back;
}

/**
 * The signed-in person as the token says (for display and navigation only: the API checks the
 * token; the console never trusts these claims for anything that matters).
 * @returns {{ id: string, name: string, roles: string[], unitCode?: string, exp?: number } | undefined}
 */
export function whoAmI() {
  const t = storedTokens();
  if (!t) return undefined;
  if (!t.refreshToken && t.expiresAt <= Date.now() / 1000) return undefined;
  try {
    const c = signedInClaims(t.idToken);
    return { id: c.sub, name: c.name, roles: c.roles, unitCode: c.unitCode, exp: c.exp };
  } catch {
    return undefined;
  }
}

/**
 * Revokes the refresh token, forgets the tokens, and ends the sign-in session at the logout
 * endpoint, which returns to the console's start page.
 */
export async function signOut() {
  const refreshToken = storedTokens()?.refreshToken;
  forgetTokens();
  let cfg;
  try {
    cfg = await authConfig();
  } catch {
    cfg = undefined;
  }
  if (cfg && refreshToken) {
    try {
      await revokeRefreshToken(cfg, refreshToken);
    } catch {
      // the logout below still ends the session; the token lapses at its expiry
    }
  }
  if (cfg) location.assign(logoutUrl(cfg, new URL('./', location.href).href));
  else location.reload();
}

// ---------------------------------------------------------------------------------------------
// The API

export class ApiProblem extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {{zh: string, en: string}} message
   * @param {{code: string, field: string, message: {zh: string, en: string}, at?: {line?: number}}[]} [issues]
   */
  constructor(status, code, message, issues = []) {
    super(`${code}: ${message.en}`);
    this.status = status;
    this.code = code;
    this.zh = message.zh;
    this.en = message.en;
    this.issues = issues;
  }
}

/**
 * Calls the API with the bearer token. Errors become ApiProblem with the API's code and message.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, accept?: string, blob?: boolean }} [opts] `accept` other than JSON: the body is returned as text; `blob`: as a Blob (a file).
 */
export async function api(path, opts = {}) {
  const base = await apiBase();
  if (!base)
    throw new ApiProblem(0, 'NO_API', {
      zh: '未設定伺服器位址：請在登入表單填寫 API 位址。',
      en: 'No API base URL: fill it in the sign-in form.',
    });
  /** @type {Record<string,string>} */
  const headers = { accept: opts.accept ?? 'application/json' };
  let t;
  try {
    t = await freshToken();
  } catch (err) {
    const m = err instanceof SignInError ? err : new SignInError('REFRESH_REJECTED');
    throw new ApiProblem(401, m.code, { zh: m.zh, en: m.en });
  }
  if (t) headers.authorization = `Bearer ${t}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(base + path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiProblem(0, 'NETWORK', {
      zh: '無法連線到伺服器，請檢查網絡後再試。',
      en: 'Cannot reach the server; check the network and retry.',
    });
  }
  // a file (a Word or Excel export): its bytes as a Blob
  if (res.ok && opts.blob) return res.blob();
  const text = await res.text();
  if (res.ok && opts.accept && opts.accept !== 'application/json') return text;
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok) return body;
  if (body?.error?.code) throw new ApiProblem(res.status, body.error.code, body.error.message, body.error.issues ?? []);
  if (res.status === 401)
    throw new ApiProblem(401, 'AUTH_REQUIRED', {
      zh: '登入已失效或憑證無效，請重新登入。',
      en: 'Your sign-in expired or the token is invalid; sign in again.',
    });
  if (res.status === 403) throw new ApiProblem(403, 'FORBIDDEN', { zh: '您的角色不能執行此操作。', en: 'Your role may not do this.' });
  throw new ApiProblem(res.status, `HTTP_${res.status}`, {
    zh: `伺服器回應錯誤（${res.status}）。`,
    en: `The server answered ${res.status}.`,
  });
}

// ---------------------------------------------------------------------------------------------
// Announcements (aria-live) and errors

/** Polite status (progress, success). */
export function announce(message) {
  const el = document.getElementById('status');
  if (!el) return;
  el.textContent = '';
  // a fresh text node after clearing makes screen readers read a repeated message again
  requestAnimationFrame(() => (el.textContent = message));
}

/** Assertive error, with the code so people can quote it to the office. */
export function alertError(err) {
  const el = document.getElementById('alert');
  if (!el) return;
  const text =
    err instanceof ApiProblem
      ? `${err.zh}（${err.code}）`
      : err instanceof SignInError
        ? `${err.zh} ${err.en}（${err.code}）`
        : `發生錯誤：${err instanceof Error ? err.message : String(err)}`;
  el.textContent = text;
  el.hidden = false;
  if ((err instanceof ApiProblem && err.status === 401) || err instanceof SignInError) showSignIn();
}

// Editing a field the page marked invalid clears its message: the person is fixing it, and a
// stale "required" next to a filled field misleads (the form checks again on submit).
document.addEventListener('input', (e) => {
  const target = e.target;
  if (
    target instanceof HTMLElement &&
    target.getAttribute('aria-invalid') === 'true' &&
    !(target instanceof HTMLInputElement && target.type === 'file')
  )
    fieldError(target, '');
});

export function clearAlert() {
  const el = document.getElementById('alert');
  if (el) {
    el.textContent = '';
    el.hidden = true;
  }
}

/**
 * Shows `message` next to a field (its error element) and marks the control invalid.
 * @param {HTMLElement} control
 * @param {string} message
 */
export function fieldError(control, message) {
  const err = document.getElementById(`${control.id}-error`);
  if (err) {
    err.textContent = message;
    err.hidden = !message;
  }
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

// ---------------------------------------------------------------------------------------------
// DOM

/**
 * Builds an element. Text children are text nodes (never parsed as HTML).
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node|string|number|null|undefined|false)} children
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(typeof c === 'object' ? c : String(c));
  return el;
}

/** Time in UTC+8 (Guangdong), the same format as the charts. */
export function cst(iso) {
  const t = Date.parse(iso ?? '');
  if (Number.isNaN(t)) return iso ?? '—';
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Parses a server-rendered chart SVG and drops anything active, so a chart can never run code
 * even if a label escaped escaping on the server. CSP blocks inline script as well.
 * @param {string} svgText
 */
export function safeSvg(svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg' || doc.getElementsByTagName('parsererror').length) return undefined;
  for (const bad of [...root.querySelectorAll('script, foreignObject, iframe, a, image, use, style, animate, set')]) bad.remove();
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes])
      if (/^on/i.test(attr.name) || /href$/i.test(attr.name) || attr.name === 'style') el.removeAttribute(attr.name);
  }
  return /** @type {SVGSVGElement} */ (document.importNode(root, true));
}

// ---------------------------------------------------------------------------------------------
// Traditional / Simplified

const toHansHk = Converter({ from: 'hk', to: 'cn' });
const toHansTw = Converter({ from: 'tw', to: 'cn' });
const toHans = (/** @type {string} */ s) => toHansTw(toHansHk(s));

/** @type {WeakMap<Text, {orig: string, conv: string}>} */
const textMemo = new WeakMap();
/** @type {WeakMap<Element, Map<string, {orig: string, conv: string}>>} */
const attrMemo = new WeakMap();
const ATTRS = ['placeholder', 'aria-label', 'title', 'alt'];
let script = localStorage.getItem(KEY.script) === 'hans' ? 'hans' : 'hant';

const skip = (/** @type {Node|null} */ n) => {
  const el = n instanceof Element ? n : n?.parentElement;
  return !el || !!el.closest('script, style, textarea, input, [data-no-convert]');
};

function convertText(/** @type {Text} */ node) {
  if (skip(node)) return;
  const memo = textMemo.get(node);
  // text the page changed since we converted it is the new original
  const orig = memo && node.data === memo.conv ? memo.orig : node.data;
  if (script === 'hans') {
    const conv = toHans(orig);
    textMemo.set(node, { orig, conv });
    if (node.data !== conv) node.data = conv;
  } else if (memo && node.data === memo.conv && node.data !== memo.orig) {
    node.data = memo.orig;
  }
}

function convertAttrs(/** @type {Element} */ el) {
  if (skip(el) && !(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) return;
  let memos = attrMemo.get(el);
  for (const name of ATTRS) {
    const value = el.getAttribute(name);
    if (value === null) continue;
    const memo = memos?.get(name);
    const orig = memo && value === memo.conv ? memo.orig : value;
    if (script === 'hans') {
      const conv = toHans(orig);
      if (!memos) attrMemo.set(el, (memos = new Map()));
      memos.set(name, { orig, conv });
      if (value !== conv) el.setAttribute(name, conv);
    } else if (memo && value === memo.conv && value !== memo.orig) {
      el.setAttribute(name, memo.orig);
    }
  }
}

function convertTree(/** @type {Node} */ root) {
  if (root.nodeType === Node.TEXT_NODE) return convertText(/** @type {Text} */ (root));
  if (!(root instanceof Element)) return;
  convertAttrs(root);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) convertText(/** @type {Text} */ (n));
    else convertAttrs(/** @type {Element} */ (n));
  }
}

function setScript(/** @type {'hant'|'hans'} */ next) {
  script = next;
  localStorage.setItem(KEY.script, next);
  document.documentElement.lang = next === 'hans' ? 'zh-Hans' : 'zh-Hant';
  convertTree(document.documentElement);
  for (const b of document.querySelectorAll('[data-script]'))
    b.setAttribute('aria-pressed', String(b.getAttribute('data-script') === next));
}

new MutationObserver((records) => {
  if (script !== 'hans') return;
  for (const r of records) {
    if (r.type === 'childList') r.addedNodes.forEach(convertTree);
    else if (r.type === 'characterData') convertText(/** @type {Text} */ (r.target));
    else if (r.type === 'attributes') convertAttrs(/** @type {Element} */ (r.target));
  }
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRS });

// ---------------------------------------------------------------------------------------------
// Page frame: script switch, who am I, sign-in form, round picker

function showSignIn() {
  const section = document.getElementById('signin');
  if (section) section.hidden = false;
}

/** The header's line: who is signed in and in which role (and unit), with the sign-out button. */
function showWho() {
  const who = document.getElementById('whoami');
  if (!who) return;
  const me = whoAmI();
  who.replaceChildren();
  if (me) {
    who.append(
      h(
        'span',
        {},
        `已登入：${me.name}（${me.roles.map((r) => ROLE_ZH[/** @type {keyof ROLE_ZH} */ (r)] ?? r).join('、') || '無角色'}${me.unitCode ? `，單位 ${me.unitCode}` : ''}）`,
      ),
      ' ',
      h('button', { type: 'button', class: 'link', id: 'signout', onclick: () => void signOut() }, '登出'),
    );
  } else {
    who.append('未登入');
  }
}

/**
 * The developer option behind `#dev`: paste an API address and an ID token (for trying a stack
 * before accounts exist). Never offered otherwise, and the token still never enters a URL.
 */
function wireDeveloperForm(/** @type {string|undefined} */ base) {
  const form = /** @type {HTMLFormElement|null} */ (document.getElementById('signin-dev'));
  if (!form || location.hash !== '#dev') return;
  form.hidden = false;
  const apiInput = /** @type {HTMLInputElement} */ (form.elements.namedItem('api'));
  if (apiInput && base) apiInput.value = base;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const tokenInput = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('token'));
    const t = tokenInput.value.trim();
    const a = apiInput.value.trim();
    if (!a) return fieldError(apiInput, '請填寫 API 位址，例如 http://127.0.0.1:3000。');
    fieldError(apiInput, '');
    let exp;
    try {
      exp = signedInClaims(t).exp;
    } catch {
      exp = undefined;
    }
    if (t.split('.').length !== 3 || typeof exp !== 'number')
      return fieldError(tokenInput, '憑證格式不正確：應為以兩個「.」分隔的三段文字（JWT），並含有效期限。');
    fieldError(tokenInput, '');
    sessionStorage.setItem(KEY.api, a.replace(/\/+$/, ''));
    storeTokens({ idToken: t, issuedAt: Math.floor(Date.now() / 1000), expiresAt: exp });
    history.replaceState(null, '', location.pathname + location.search);
    location.reload();
  });
}

/**
 * Wires the parts every page has and returns the signed-in person (or undefined: the sign-in
 * section is then shown and the page should not load data).
 */
export async function initPage() {
  for (const b of document.querySelectorAll('[data-script]')) {
    b.addEventListener('click', () => setScript(/** @type {'hant'|'hans'} */ (b.getAttribute('data-script'))));
  }
  setScript(/** @type {'hant'|'hans'} */ (script));

  const base = await apiBase();
  document.getElementById('signin-start')?.addEventListener('click', () => {
    clearAlert();
    signIn().catch(alertError);
  });
  wireDeveloperForm(base);
  // Tokens that can no longer be renewed are dropped now rather than failing at the first click.
  try {
    await freshToken();
  } catch (err) {
    alertError(err);
  }
  showWho();
  const me = whoAmI();
  if (!me || !base) {
    showSignIn();
    return undefined;
  }
  scheduleRefresh();
  return me;
}

/** Guangdong's prefecture-level cities by GB/T 2260 code (as in data/units/guangdong.json): the API names a case's city by code. */
const CITY_ZH = {
  440100: '廣州市',
  440200: '韶關市',
  440300: '深圳市',
  440400: '珠海市',
  440500: '汕頭市',
  440600: '佛山市',
  440700: '江門市',
  440800: '湛江市',
  440900: '茂名市',
  441200: '肇慶市',
  441300: '惠州市',
  441400: '梅州市',
  441500: '汕尾市',
  441600: '河源市',
  441700: '陽江市',
  441800: '清遠市',
  441900: '東莞市',
  442000: '中山市',
  445100: '潮州市',
  445200: '揭陽市',
  445300: '云浮市',
};

/** The city's name for a code the API gives (`440100` → 廣州市); anything else as it is. */
export const cityName = (/** @type {string|undefined} */ code) =>
  code ? (CITY_ZH[/** @type {keyof CITY_ZH} */ (Number(code))] ?? code) : '';

// Role, status and task-kind names: the same table as the site, the dashboard and the API's messages.
export { CASE_STATUS_ZH, ROLE_ZH, ROUND_STATUS_ZH, SUBMISSION_STATUS_ZH, TASK_KIND_ZH } from '../vendor/labels.js';
/**
 * Fills the round picker (`#round`) from GET /rounds and calls `onChange` with the chosen id.
 * @param {(roundId: string, round: any) => void} onChange
 * @param {(round: any) => boolean} [prefer] which round to pick first when none was chosen
 */
export async function roundPicker(onChange, prefer = () => true) {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('round'));
  const { rounds } = await api('/rounds');
  rounds.sort((/** @type {any} */ a, /** @type {any} */ b) => b.year - a.year || b.number - a.number);
  select.replaceChildren(
    ...rounds.map((/** @type {any} */ r) =>
      h('option', { value: r.roundId }, `第${r.number}屆（${r.year}）${r.theme}—${ROUND_STATUS_ZH[r.status] ?? r.status}`),
    ),
  );
  const saved = sessionStorage.getItem(KEY.round);
  const initial = rounds.find((/** @type {any} */ r) => r.roundId === saved) ?? rounds.find(prefer) ?? rounds[0];
  if (!initial) {
    announce('目前沒有評選輪次。');
    return;
  }
  select.value = initial.roundId;
  const fire = () => {
    sessionStorage.setItem(KEY.round, select.value);
    onChange(
      select.value,
      rounds.find((/** @type {any} */ r) => r.roundId === select.value),
    );
  };
  select.addEventListener('change', fire);
  fire();
}

/**
 * Keeps the round picker's label in step with the round's status after the page changed it
 * (the office closing the round, say).
 * @param {string} roundId
 * @param {string} status
 */
export function updateRoundStatus(roundId, status) {
  const option = /** @type {HTMLSelectElement|null} */ (document.getElementById('round'))?.querySelector(
    `option[value="${CSS.escape(roundId)}"]`,
  );
  if (!option?.textContent) return;
  option.textContent = option.textContent.replace(
    /—[^—]*$/,
    `—${ROUND_STATUS_ZH[/** @type {keyof ROUND_STATUS_ZH} */ (status)] ?? status}`,
  );
}
