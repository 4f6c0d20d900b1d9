// @ts-check
/**
 * Secretariat: the round's dashboard (counts, overdue steps, charts with text alternatives),
 * eligibility decisions, the outbox with release buttons and the audit-chain check.
 */
import {
  ApiProblem,
  CASE_STATUS_ZH,
  ROUND_STATUS_ZH,
  SUBMISSION_STATUS_ZH,
  TASK_KIND_ZH,
  alertError,
  announce,
  api,
  cityName,
  clearAlert,
  cst,
  fieldError,
  h,
  initPage,
  roundPicker,
  safeSvg,
  updateRoundStatus,
} from './core.js';
import { loadRoundView, renderRoundView } from './round-view.js';

const NOTE_ZH = {
  VALIDATION_RESULT: '檢查結果',
  ELIGIBILITY: '資格審查',
  REVISION_REQUESTED: '要求修改',
  ASSIGNMENT: '評審分派',
  REMINDER: '提醒',
  ESCALATION: '逾期上報',
  LIST_READY: '名單待審定',
  FINAL_RESULT: '評選結果',
};

let roundId = '';
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

const me = await initPage();
if (me) {
  if (!me.roles.includes('secretariat')) announce('您的帳號不是辦公室；此頁的資料只對辦公室開放。');
  await roundPicker((id) => {
    roundId = id;
    void refresh();
  }).catch(alertError);
  $('audit-verify').addEventListener('click', verifyAudit);
  $('dashboard-page').addEventListener('click', downloadDashboardPage);
  $('export-docx').addEventListener('click', () => downloadExport('docx'));
  $('export-xlsx').addEventListener('click', () => downloadExport('xlsx'));
}

/**
 * The approved round's Word announcement or Excel score sheet, fetched with the token (a plain
 * link could not carry it) and saved. A round not yet approved answers with the API's bilingual
 * error, shown like any other.
 * @param {'docx'|'xlsx'} format
 */
async function downloadExport(format) {
  clearAlert();
  try {
    const blob = await api(`/rounds/${encodeURIComponent(roundId)}/export?format=${format}`, { blob: true });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: `${roundId}-${format === 'docx' ? 'announcement' : 'scores'}.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce(format === 'docx' ? '已下載公告及附件（Word）。' : '已下載評分表（Excel）。');
  } catch (err) {
    alertError(err);
  }
}

/**
 * The API's HTML rendition of the dashboard, saved as a file: the token stays in this page
 * (a plain link could not carry it) and the saved page reads, prints and archives without
 * JavaScript.
 */
async function downloadDashboardPage() {
  clearAlert();
  try {
    const page = await api(`/rounds/${encodeURIComponent(roundId)}/dashboard?format=html`, { accept: 'text/html' });
    const url = URL.createObjectURL(new Blob([page], { type: 'text/html;charset=utf-8' }));
    const link = h('a', { href: url, download: `dashboard-${roundId}.html` });
    document.body.append(link);
    link.click();
    link.remove();
    // the download has its own copy once started; keep the URL a while for slow browsers
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce('已下載儀表板網頁。');
  } catch (err) {
    alertError(err);
  }
}

async function refresh() {
  clearAlert();
  await Promise.all([loadDashboard(), loadRoundViewCard(), loadEligibility(), loadOutbox()]);
}

/** The shortlist with why each case is there, the approved list, the notice and objections. */
async function loadRoundViewCard() {
  try {
    $('round-view').replaceChildren(renderRoundView(await loadRoundView(roundId), { headingLevel: 2, idPrefix: 'office-rv' }));
  } catch (err) {
    $('round-view').replaceChildren();
    alertError(err);
  }
}

/** A small table of counts with Chinese names. */
function countTable(
  /** @type {string} */ caption,
  /** @type {Record<string, number>} */ counts,
  /** @type {Record<string,string>} */ names,
) {
  const entries = Object.entries(counts);
  if (entries.length === 0) return h('p', {}, `${caption}：尚無資料。`);
  return h(
    'table',
    { class: 'counts' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '狀態'), h('th', { scope: 'col' }, '數量'))),
    h('tbody', {}, ...entries.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, names[k] ?? k), h('td', {}, String(v))))),
  );
}

/** One chart: caption, the server's SVG (sanitised), its text and its data table. */
function chartFigure(/** @type {any} */ chart) {
  const svg = safeSvg(chart.svg);
  const table = chart.table
    ? h(
        'table',
        {},
        h('caption', {}, chart.table.caption),
        h('thead', {}, h('tr', {}, ...chart.table.columns.map((/** @type {string} */ c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...chart.table.rows.map((/** @type {string[]} */ r) =>
            h('tr', {}, ...r.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))),
          ),
        ),
      )
    : undefined;
  return h(
    'figure',
    { class: 'chart', 'aria-labelledby': `${chart.id}-caption` },
    h('figcaption', { id: `${chart.id}-caption` }, chart.title.zh),
    h('div', { class: 'chart-svg' }, svg ?? h('p', {}, '（圖表無法顯示，請看下方文字與數據表）')),
    h('p', { class: 'chart-text' }, chart.text),
    table ? h('details', {}, h('summary', {}, `數據表：${chart.title.zh}`), table) : undefined,
  );
}

async function loadDashboard() {
  try {
    const d = await api(`/rounds/${encodeURIComponent(roundId)}/dashboard`);
    $('summary').replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, '輪次狀態'),
        h('dd', {}, ROUND_STATUS_ZH[d.status] ?? d.status),
        h('dt', {}, '進行中的審批步驟'),
        h('dd', {}, String(d.openTasks)),
        h('dt', {}, '逾期步驟'),
        h('dd', { class: d.overdueTasks.length ? 'bad' : '' }, String(d.overdueTasks.length)),
        h('dt', {}, '待發通知'),
        h('dd', {}, String(d.outboxPending)),
        ...(d.objections
          ? [
              h('dt', {}, '異議'),
              h(
                'dd',
                {},
                `已登記 ${d.objections.filed}（未裁決 ${d.objections.open}）；重複提交合併計數 ${d.objections.repeatsSuppressed} 次；` +
                  `過於頻繁拒收 ${d.objections.refusedRate} 次，內容不符拒收 ${d.objections.refusedContent} 次`,
              ),
            ]
          : []),
        h('dt', {}, '稽核鏈'),
        h('dd', { class: d.audit.ok ? 'good' : 'bad' }, auditText(d.audit)),
      ),
      countTable('各狀態案例數', d.casesByStatus, CASE_STATUS_ZH),
      countTable('各狀態申報數', d.submissionsByStatus, SUBMISSION_STATUS_ZH),
    );
    $('charts').replaceChildren(...d.charts.map(chartFigure));
    $('overdue').replaceChildren(
      d.overdueTasks.length === 0
        ? h('p', {}, '沒有逾期的審批步驟。')
        : h(
            'table',
            {},
            h('caption', {}, '已過期限仍未決定的步驟'),
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, '步驟'), h('th', { scope: 'col' }, '案例'), h('th', { scope: 'col' }, '期限')),
            ),
            h(
              'tbody',
              {},
              ...d.overdueTasks.map((/** @type {any} */ t) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, TASK_KIND_ZH[/** @type {keyof TASK_KIND_ZH} */ (t.kind)] ?? t.kind),
                  h('td', {}, t.caseId ?? '—'),
                  h('td', {}, cst(t.dueAt ?? t.expiresAt)),
                ),
              ),
            ),
          ),
    );
    $('audit-result').textContent = auditText(d.audit);
    roundActions(d.status);
    updateRoundStatus(roundId, d.status);
  } catch (err) {
    alertError(err);
  }
}

function auditText(/** @type {any} */ a) {
  return a.ok ? `完整：共 ${a.length} 筆紀錄，雜湊鏈無斷裂。` : `有問題：第 ${a.firstBroken?.seq} 筆起斷裂（${a.firstBroken?.reason}）。`;
}

function roundActions(/** @type {string} */ status) {
  const box = $('round-actions');
  box.replaceChildren();
  const act = async (/** @type {string} */ path, /** @type {string} */ done, /** @type {unknown} */ body) => {
    clearAlert();
    try {
      await api(`/rounds/${encodeURIComponent(roundId)}/${path}`, { method: 'POST', ...(body ? { body } : {}) });
      announce(done);
      await refresh();
    } catch (err) {
      alertError(err);
    }
  };
  if (status === 'DRAFT')
    box.append(h('button', { type: 'button', onclick: () => act('open', '輪次已開放徵集。') }, '開放徵集（凍結評選章程）'));
  if (status === 'OPEN')
    box.append(h('button', { type: 'button', onclick: () => act('close', '已截止收件，開始排名與審定流程。') }, '截止收件並開始評選'));
}

async function loadEligibility() {
  const box = $('eligibility');
  try {
    const { tasks } = await api('/tasks');
    const mine = tasks.filter((/** @type {any} */ t) => t.kind === 'ELIGIBILITY' && t.roundId === roundId);
    if (mine.length === 0) return box.replaceChildren(h('p', {}, '沒有待審查的案例。'));
    const cases = await Promise.all(
      mine.map((/** @type {any} */ t) => api(`/cases/${encodeURIComponent(t.caseId)}`).catch(() => undefined)),
    );
    box.replaceChildren(...mine.map((/** @type {any} */ t, /** @type {number} */ i) => eligibilityForm(t, cases[i])));
  } catch (err) {
    alertError(err);
  }
}

function eligibilityForm(/** @type {any} */ task, /** @type {any} */ c) {
  const id = `elig-${task.taskId}`;
  const note = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id: `${id}-note`, name: 'note', rows: 2, 'aria-describedby': `${id}-note-error` })
  );
  const form = h(
    'form',
    { class: 'eligibility', novalidate: true, 'aria-label': `資格審查：${c?.title ?? task.caseId}` },
    h('h3', {}, c?.title ?? task.caseId),
    h('p', {}, `${c?.unitName ?? ''} ${cityName(c?.city)}；期限 ${cst(task.dueAt ?? task.expiresAt)}`),
    h(
      'fieldset',
      {},
      h('legend', {}, '審查結果'),
      ...[
        ['eligible', '符合資格，送評審'],
        ['revision', '請申報單位修改'],
        ['ineligible', '不符合資格'],
      ].map(([value, label], j) =>
        h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'outcome', value, checked: j === 0 }), ` ${label}`),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: note.id }, '理由或修改要求（不符合資格或要求修改時必填）'),
      note,
      h('p', { id: `${id}-note-error`, class: 'field-error', hidden: true }),
    ),
    h('button', { type: 'submit' }, '提交審查結果'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearAlert();
    const outcome = /** @type {HTMLInputElement} */ (form.querySelector('input[name=outcome]:checked')).value;
    const text = note.value.trim();
    if (outcome !== 'eligible' && text.length < 2) {
      fieldError(note, outcome === 'ineligible' ? '請寫明不符合資格的理由（至少 2 個字）。' : '請寫明需要修改的地方（至少 2 個字）。');
      return note.focus();
    }
    fieldError(note, '');
    const body = outcome === 'eligible' ? { outcome } : outcome === 'ineligible' ? { outcome, reason: text } : { outcome, message: text };
    try {
      await api(`/tasks/${encodeURIComponent(task.taskId)}/decision`, { method: 'POST', body });
      announce(`已記錄：${c?.title ?? task.caseId}。`);
      await refresh();
    } catch (err) {
      if (err instanceof ApiProblem && err.issues.length) fieldError(note, err.issues.map((i) => i.message.zh).join(' '));
      alertError(err);
    }
  });
  return form;
}

async function loadOutbox() {
  const box = $('outbox');
  try {
    const { notifications } = await api('/outbox');
    const ours = notifications.filter((/** @type {any} */ n) => n.roundId === roundId && n.status !== 'RELEASED');
    box.replaceChildren(
      ours.length === 0
        ? h('p', {}, '沒有待發的通知。')
        : h(
            'table',
            {},
            h('caption', {}, '發出前請核對收件人與內容'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, '主旨'),
                h('th', { scope: 'col' }, '類別'),
                h('th', { scope: 'col' }, '收件人'),
                h('th', { scope: 'col' }, '建立時間'),
                h('th', { scope: 'col' }, '操作'),
              ),
            ),
            h(
              'tbody',
              {},
              ...ours.map((/** @type {any} */ n) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, n.subject.zh),
                  h('td', {}, NOTE_ZH[/** @type {keyof NOTE_ZH} */ (n.kind)] ?? n.kind),
                  h('td', {}, n.recipient),
                  h('td', {}, cst(n.createdAt)),
                  h('td', {}, h('button', { type: 'button', onclick: () => release(n) }, `發出通知：${n.subject.zh}`)),
                ),
              ),
            ),
          ),
    );
  } catch (err) {
    alertError(err);
  }
}

async function release(/** @type {any} */ n) {
  clearAlert();
  try {
    await api(`/outbox/${encodeURIComponent(n.notificationId)}/release`, { method: 'POST' });
    announce(`已發出：${n.subject.zh}`);
    await loadOutbox();
  } catch (err) {
    alertError(err);
  }
}

async function verifyAudit() {
  clearAlert();
  try {
    const a = await api(`/rounds/${encodeURIComponent(roundId)}/audit/verify`);
    $('audit-result').textContent = auditText(a);
    $('audit-result').className = a.ok ? 'good' : 'bad';
    announce(`稽核鏈${auditText(a)}`);
  } catch (err) {
    alertError(err);
  }
}
