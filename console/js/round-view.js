// @ts-check
/**
 * The round as its staff decide from it (GET /rounds/{roundId}/staff-view), shared by the office
 * and the approver pages: the charter's hash, the ranked shortlist with why each case is there
 * (the ranking's explanation and its places under the quotas), the cases passed over and why,
 * the approved list with its reasons, the notice window and the objections filed.
 */
import { ROUND_STATUS_ZH, api, cityName, cst, h } from './core.js';

/** @param {string} roundId */
export async function loadRoundView(roundId) {
  return api(`/rounds/${encodeURIComponent(roundId)}/staff-view`);
}

const level = (/** @type {string|undefined} */ l) => (l === 'township' ? '鄉鎮級' : l === 'county' ? '縣級' : '');
const num = (/** @type {number|undefined} */ n) => (typeof n === 'number' ? n.toFixed(2) : '—');

/**
 * Why a shortlisted case is where it is, in words: the ranking's explanation when it departs
 * from score order, then its places under the quotas.
 * @param {any} entry
 */
export function whyHere(entry) {
  return [entry.explanation?.zh?.replace(/[。；]+$/, ''), entry.quotaNote?.zh].filter(Boolean).join('；');
}

/**
 * The round view as elements, with headings one level below `level` (2: inside an h1 page).
 * @param {any} r the staff view
 * @param {{ headingLevel?: number, idPrefix?: string }} [opts]
 */
export function renderRoundView(r, opts = {}) {
  const hl = `h${Math.min(6, (opts.headingLevel ?? 2) + 1)}`;
  const id = (/** @type {string} */ s) => `${opts.idPrefix ?? 'rv'}-${s}`;
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, '狀態'),
    h('dd', {}, ROUND_STATUS_ZH[/** @type {keyof ROUND_STATUS_ZH} */ (r.status)] ?? r.status),
    h('dt', {}, '章程雜湊（SHA-256）'),
    h('dd', {}, r.charterSha256 ? h('code', { class: 'hash' }, r.charterSha256) : '章程尚未凍結（輪次開放徵集時凍結）'),
    h('dt', {}, '公示期'),
    h(
      'dd',
      {},
      `${r.notice.days} 天${r.notice.startsAt ? `，${cst(r.notice.startsAt)} 起` : ''}${r.notice.endsAt ? `，至 ${cst(r.notice.endsAt)} 止` : '（名單審定後開始）'}`,
    ),
    h('dt', {}, '異議'),
    h(
      'dd',
      {},
      r.objections.total === 0
        ? '未收到異議'
        : `共 ${r.objections.total} 項：待裁定 ${r.objections.open}、成立 ${r.objections.upheld}、駁回 ${r.objections.dismissed}`,
    ),
  );
  const parts = [facts];
  if (r.shortlist.length === 0) {
    parts.push(h('p', {}, '尚未排名：輪次截止且案例評審完畢後，系統按標準化分數與名額排出入圍名單。'));
  } else {
    parts.push(
      h(hl, { id: id('shortlist-h') }, `入圍名單（${r.shortlist.length} 宗，按排名）`),
      r.feasible === false ? h('p', { class: 'notice' }, `名額要求未能全部滿足：${(r.quotaIssues ?? []).join('、')}`) : '',
      h(
        'table',
        { class: 'shortlist', 'aria-labelledby': id('shortlist-h') },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['排名', '案例', '申報單位', '層級', '標準化分', '原始平均分', '為何在此'].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.shortlist.map((/** @type {any} */ e) =>
            h(
              'tr',
              { 'data-case': e.caseId },
              h('td', {}, String(e.rank)),
              h('th', { scope: 'row' }, e.title ?? e.caseId),
              h('td', {}, [e.unitName, cityName(e.city)].filter(Boolean).join('・')),
              h('td', {}, level(e.level)),
              h('td', {}, num(e.score)),
              h('td', {}, num(e.rawMean)),
              h('td', { class: 'why' }, whyHere(e)),
            ),
          ),
        ),
      ),
    );
  }
  if (r.passedOver?.length) {
    parts.push(
      h(hl, { id: id('passed-h') }, `未入圍（${r.passedOver.length} 宗）`),
      h(
        'ul',
        { class: 'passed-over', 'aria-labelledby': id('passed-h') },
        ...r.passedOver.map((/** @type {any} */ p) =>
          h('li', { 'data-case': p.caseId }, h('strong', {}, p.title ?? p.caseId), `：${p.reason.zh}`),
        ),
      ),
    );
  }
  if (r.approvedList?.length) {
    parts.push(
      h(hl, { id: id('approved-h') }, `審定名單（${r.approvedList.length} 宗）`),
      h(
        'ol',
        { class: 'approved', 'aria-labelledby': id('approved-h') },
        ...r.approvedList.map((/** @type {any} */ e) =>
          h('li', { 'data-case': e.caseId }, h('strong', {}, e.title ?? e.caseId), `：${e.reason}`),
        ),
      ),
    );
  }
  return h('div', { class: 'round-view' }, ...parts);
}
