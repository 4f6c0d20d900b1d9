// @ts-check
/**
 * Secretariat: the accounts. Import a CSV or .xlsx file (a dry run first, then for real; the API
 * applies a window of rows per call and this page asks for the next until the file is done),
 * list every account, disable or enable one, and send an invitation again.
 */
import { ApiProblem, ROLE_ZH, alertError, announce, api, clearAlert, fieldError, h, initPage } from './core.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const OUTCOME_ZH = { created: '新建', updated: '更新', unchanged: '無變更', refused: '拒絕', failed: '失敗' };
const OUTCOME_DRY_ZH = { created: '將新建', updated: '將更新', unchanged: '無變更', refused: '拒絕', failed: '失敗' };
const CHANGE_ZH = { name: '姓名', role: '角色', unitCode: '單位代碼', jurisdictions: '轄區', email: '電郵' };
/** API Gateway takes 10 MB bodies; base64 grows a file by a third. */
const MAX_BYTES = 7 * 1024 * 1024;

const me = await initPage();
if (me) {
  if (!me.roles.includes('secretariat')) announce('您的帳號不是辦公室；帳號管理只對辦公室開放。');
  $('import').addEventListener('submit', (e) => {
    e.preventDefault();
    void importFile();
  });
  await loadUsers();
}

/** The file's bytes as base64 (FileReader's data URL, without its prefix). */
function base64Of(/** @type {File} */ file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function importFile() {
  clearAlert();
  const input = /** @type {HTMLInputElement} */ ($('import-file'));
  const dryRun = /** @type {HTMLInputElement} */ ($('import-dry-run')).checked;
  const file = input.files?.[0];
  if (!file) return fieldError(input, '請選擇要匯入的 .csv 或 .xlsx 文件。');
  if (!/\.(csv|xlsx)$/i.test(file.name)) return fieldError(input, '只接受 .csv 或 .xlsx 文件。');
  if (file.size > MAX_BYTES) return fieldError(input, '文件太大：每次最多 7 MB，請分拆後再匯入。');
  fieldError(input, '');
  const button = /** @type {HTMLButtonElement} */ ($('import').querySelector('button[type=submit]'));
  button.disabled = true;
  try {
    const content = await base64Of(file);
    /** @type {any[]} */
    const lines = [];
    /** @type {any[]} */
    let fileIssues = [];
    /** @type {number|undefined} */
    let from = 0;
    while (from !== undefined) {
      announce(`正在${dryRun ? '預覽' : '匯入'}……已處理 ${lines.length} 行`);
      const report = await api('/users/import', { method: 'POST', body: { fileName: file.name, content, dryRun, from, limit: 100 } });
      lines.push(...report.lines);
      fileIssues = report.fileIssues;
      from = report.next;
    }
    renderReport(lines, fileIssues, dryRun);
    if (!dryRun) await loadUsers();
  } catch (err) {
    if (err instanceof ApiProblem && err.issues.length > 0) fieldError(input, err.issues.map((i) => i.message.zh).join('；'));
    alertError(err);
  } finally {
    button.disabled = false;
  }
}

function renderReport(/** @type {any[]} */ lines, /** @type {any[]} */ fileIssues, /** @type {boolean} */ dryRun) {
  const target = $('import-report');
  if (fileIssues.length > 0) {
    target.replaceChildren(
      h('p', { class: 'outcome-refused' }, '文件無法讀取：'),
      h('ul', {}, ...fileIssues.map((i) => h('li', {}, `${i.message.zh}（${i.code}）`))),
    );
    announce('文件無法讀取，沒有匯入任何帳號。');
    return;
  }
  /** @type {Record<string, number>} */
  const counts = { created: 0, updated: 0, unchanged: 0, refused: 0, failed: 0 };
  for (const l of lines) counts[l.outcome]++;
  const words = dryRun ? OUTCOME_DRY_ZH : OUTCOME_ZH;
  const summary = `${dryRun ? '預覽（未作更改）' : '匯入完成'}：共 ${lines.length} 行，${words.created} ${counts.created}，${words.updated} ${counts.updated}，無變更 ${counts.unchanged}，拒絕 ${counts.refused}，失敗 ${counts.failed}。`;
  const hasPasswords = lines.some((l) => l.temporaryPassword);
  target.replaceChildren(
    h('p', {}, summary),
    hasPasswords ? h('p', { class: 'hint' }, '本機環境不會寄出電郵：請把臨時密碼交給本人，首次登入時須設定新密碼。') : null,
    h(
      'table',
      { class: 'report' },
      h('caption', {}, dryRun ? '每行的預覽結果' : '每行的匯入結果'),
      h('thead', {}, h('tr', {}, ...['行', '電郵', '結果', '說明'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...lines.map((l) =>
          h(
            'tr',
            {},
            h('td', {}, String(l.line)),
            h('td', { lang: 'en' }, l.email ?? '—'),
            h('td', { class: `outcome-${l.outcome}` }, words[/** @type {keyof typeof words} */ (l.outcome)] ?? l.outcome),
            h(
              'td',
              {},
              l.changes?.length
                ? `變更：${l.changes.map((/** @type {string} */ c) => CHANGE_ZH[/** @type {keyof typeof CHANGE_ZH} */ (c)] ?? c).join('、')}`
                : '',
              l.disabled ? '（帳號已停用，匯入不會重新啟用）' : '',
              l.temporaryPassword ? h('span', {}, '臨時密碼：', h('code', { 'data-no-convert': true }, l.temporaryPassword)) : '',
              ...(l.issues ?? []).map((/** @type {any} */ i) => h('span', { class: 'issue' }, `${i.message.zh}（${i.code}）`)),
            ),
          ),
        ),
      ),
    ),
  );
  announce(summary);
}

async function loadUsers() {
  const target = $('users');
  try {
    const { users } = await api('/users');
    if (users.length === 0) {
      target.replaceChildren(h('p', {}, '尚無帳號：請在上方匯入帳號文件。'));
      return;
    }
    target.replaceChildren(
      h(
        'table',
        { class: 'users' },
        h('caption', {}, `共 ${users.length} 個帳號`),
        h('thead', {}, h('tr', {}, ...['帳號', '姓名', '角色', '單位或轄區', '狀態', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...users.map(userRow)),
      ),
    );
  } catch (err) {
    alertError(err);
  }
}

function userRow(/** @type {any} */ u) {
  const state = `${u.enabled ? '啟用' : '已停用'}${u.status === 'FORCE_CHANGE_PASSWORD' ? '，已邀請未登入' : ''}`;
  const self = me && u.sub === me.id;
  return h(
    'tr',
    {},
    h('td', { lang: 'en' }, u.username),
    h('td', {}, u.name),
    h('td', {}, ROLE_ZH[/** @type {keyof typeof ROLE_ZH} */ (u.role)] ?? u.role),
    h('td', {}, u.unitCode ?? (u.jurisdictions ?? []).join('、')),
    h('td', {}, state),
    h(
      'td',
      {},
      self
        ? '（您自己）'
        : h(
            'button',
            { type: 'button', onclick: () => setEnabled(u, !u.enabled), 'aria-label': `${u.enabled ? '停用' : '啟用'} ${u.username}` },
            u.enabled ? '停用' : '啟用',
          ),
      u.status === 'FORCE_CHANGE_PASSWORD'
        ? h('button', { type: 'button', onclick: () => resend(u), 'aria-label': `重發邀請給 ${u.username}` }, '重發邀請')
        : null,
    ),
  );
}

async function setEnabled(/** @type {any} */ u, /** @type {boolean} */ enabled) {
  clearAlert();
  try {
    await api(`/users/${encodeURIComponent(u.username)}/${enabled ? 'enable' : 'disable'}`, { method: 'POST', body: {} });
    announce(`已${enabled ? '啟用' : '停用'}帳號 ${u.username}。`);
    await loadUsers();
  } catch (err) {
    alertError(err);
  }
}

async function resend(/** @type {any} */ u) {
  clearAlert();
  try {
    const result = await api(`/users/${encodeURIComponent(u.username)}/resend-invite`, { method: 'POST', body: {} });
    announce(
      result.temporaryPassword
        ? `已重設 ${u.username} 的臨時密碼：${result.temporaryPassword}（本機環境不寄電郵，請交給本人）`
        : `已重新寄出邀請給 ${u.username}。`,
    );
  } catch (err) {
    alertError(err);
  }
}
