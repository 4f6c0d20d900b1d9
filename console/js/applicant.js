// @ts-check
/**
 * Applicant: upload a dossier (POST submission → presigned PUT → poll until checked) and see the
 * validation report at once, each finding next to the dossier field it concerns; follow the
 * unit's submissions (versions) and cases.
 */
import {
  ApiProblem,
  SUBMISSION_STATUS_ZH,
  CASE_STATUS_ZH,
  ROUND_STATUS_ZH,
  alertError,
  announce,
  api,
  clearAlert,
  cst,
  fieldError,
  h,
  initPage,
  roundPicker,
} from './core.js';

/** The upload types the API accepts, by extension (browsers often give no type for .md). */
const TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  zip: 'application/zip',
  md: 'text/markdown',
  markdown: 'text/markdown',
  txt: 'text/plain',
  json: 'application/json',
};
const MAX_BYTES = 20 * 1024 * 1024;
// VALID is a passing state: the case is stored (or the upload rejected) right after validation
const DONE = new Set(['INVALID', 'STORED', 'SUPERSEDED']);

/** The dossier's fields in the order of the official template, with their Chinese names. */
const FIELDS = [
  ['title', '案例標題'],
  ['unit', '申報單位'],
  ['round', '屆次'],
  ['practices', '主要做法'],
  ['outcomes', '取得成效'],
  ['contact', '聯絡人資料'],
  ['attachments', '附件'],
];
const OTHER_FIELDS = {
  file: '檔案',
  archive: '壓縮檔',
  document: '文件',
  charset: '文字編碼',
  encoding: '文字編碼',
  format: '檔案格式',
  script: '字體',
  fileName: '檔案名稱',
  contentType: '檔案類型',
  size: '檔案大小',
};
/** The upload form's own fields (request errors land on the file input). */
const REQUEST_FIELDS = new Set(['fileName', 'contentType', 'size', '(body)']);

const fieldRoot = (/** @type {string} */ field) => field.split(/[.[]/)[0] ?? field;

let roundId = '';
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('dossier-file'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('upload-form'));
const progress = /** @type {HTMLProgressElement} */ (document.getElementById('upload-progress'));

const me = await initPage();
if (me) {
  if (!me.roles.includes('applicant')) announce('您的帳號不是申報單位；此頁只供申報單位上傳材料。');
  await roundPicker(
    (id, round) => {
      roundId = id;
      showRound(round);
      void refreshMine();
    },
    (r) => r.status === 'OPEN',
  ).catch(alertError);
}

function showRound(/** @type {any} */ r) {
  const section = /** @type {HTMLElement} */ (document.getElementById('round-info'));
  const facts = /** @type {HTMLElement} */ (document.getElementById('round-facts'));
  if (!r) return;
  const levels = (r.eligibleLevels ?? []).map((/** @type {string} */ l) => (l === 'county' ? '縣級' : '鄉鎮級')).join('、');
  facts.replaceChildren(
    h('dt', {}, '主題'),
    h('dd', {}, r.theme),
    h('dt', {}, '狀態'),
    h('dd', {}, ROUND_STATUS_ZH[r.status] ?? r.status),
    h('dt', {}, '申報截止'),
    h('dd', {}, cst(r.submissionDeadline)),
    h('dt', {}, '可申報層級'),
    h('dd', {}, levels),
  );
  section.hidden = false;
}

/** Checks what can be checked before anything is sent; returns the content type or undefined. */
function precheck(/** @type {File|undefined} */ file) {
  if (!file) return void fieldError(fileInput, '請先選擇要上傳的申報材料檔案。');
  const ext = (file.name.split('.').pop() ?? '').toLowerCase();
  const type = TYPES[/** @type {keyof TYPES} */ (ext)];
  if (!type) return void fieldError(fileInput, `不接受「.${ext}」檔案：請上傳 .docx、.zip、.md、.txt 或 .json。`);
  if (file.size === 0) return void fieldError(fileInput, '檔案是空的，請選擇正確的檔案。');
  if (file.size > MAX_BYTES) return void fieldError(fileInput, `檔案太大（${(file.size / 1048576).toFixed(1)} MB），上限是 20 MB。`);
  fieldError(fileInput, '');
  return type;
}

fileInput.addEventListener('change', () => {
  clearAlert();
  precheck(fileInput.files?.[0]);
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearAlert();
  const file = fileInput.files?.[0];
  const contentType = precheck(file);
  if (!file || !contentType) return fileInput.focus();
  const button = /** @type {HTMLButtonElement} */ (document.getElementById('upload-button'));
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  try {
    announce('正在取得上傳授權…');
    const ticket = await api(`/rounds/${encodeURIComponent(roundId)}/submissions`, {
      method: 'POST',
      body: { fileName: file.name, contentType, size: file.size },
    });
    progress.value = 1;
    announce('正在上傳檔案…');
    // content-length is set by the browser itself (scripts may not set it)
    const headers = Object.fromEntries(Object.entries(ticket.upload.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
    let put;
    try {
      put = await fetch(ticket.upload.url, { method: 'PUT', headers, body: file });
    } catch {
      throw new ApiProblem(0, 'UPLOAD_FAILED', {
        zh: '檔案上傳失敗：無法連線到儲存服務，請稍後再試。',
        en: 'Upload failed: the storage service is unreachable.',
      });
    }
    if (!put.ok)
      throw new ApiProblem(put.status, 'UPLOAD_FAILED', {
        zh: `檔案上傳失敗（${put.status}）：上傳授權可能已過期，請重新上傳。`,
        en: `Upload failed (${put.status}).`,
      });
    progress.value = 2;
    announce('已上傳，正在檢查申報材料…');
    const result = await poll(ticket.submissionId);
    progress.value = 3;
    showReport(result);
    await refreshMine();
  } catch (err) {
    if (err instanceof ApiProblem && err.issues.length) {
      // request-level findings (name, type, size) belong to the file field
      fieldError(fileInput, err.issues.map((i) => i.message.zh).join(' '));
      fileInput.focus();
    }
    alertError(err);
  } finally {
    button.disabled = false;
    progress.hidden = true;
  }
});

async function poll(/** @type {string} */ submissionId) {
  let wait = 500;
  for (let i = 0; i < 90; i++) {
    let s;
    try {
      s = await api(`/rounds/${encodeURIComponent(roundId)}/submissions/${encodeURIComponent(submissionId)}`);
    } catch (err) {
      // the submission is recorded when the pipeline picks the upload up, a moment after the PUT
      if (!(err instanceof ApiProblem && err.status === 404)) throw err;
    }
    if (s && DONE.has(s.status)) return s;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(2000, wait * 1.5);
  }
  throw new ApiProblem(0, 'CHECK_SLOW', {
    zh: '檢查時間比預期長；結果稍後會出現在「我的申報與版本」中。',
    en: 'The check is taking longer than expected.',
  });
}

/** The validation report: one row per dossier field, its errors and warnings next to it. */
function showReport(/** @type {any} */ s) {
  const section = /** @type {HTMLElement} */ (document.getElementById('report'));
  const list = /** @type {HTMLElement} */ (document.getElementById('report-fields'));
  const status = /** @type {HTMLElement} */ (document.getElementById('report-status'));
  const errors = /** @type {any[]} */ (s.errors ?? []);
  const warnings = /** @type {any[]} */ (s.warnings ?? []);
  const byField = new Map();
  for (const [kind, issues] of /** @type {const} */ ([
    ['error', errors],
    ['warning', warnings],
  ])) {
    for (const issue of issues) {
      const root = fieldRoot(issue.field);
      if (!byField.has(root)) byField.set(root, []);
      byField.get(root).push({ kind, issue });
    }
  }
  const known = new Set(FIELDS.map(([f]) => f));
  const rows = [
    ...FIELDS,
    ...[...byField.keys()].filter((f) => !known.has(f)).map((f) => [f, OTHER_FIELDS[/** @type {keyof OTHER_FIELDS} */ (f)] ?? f]),
  ];
  list.replaceChildren(
    ...rows.flatMap(([field, label]) => {
      const found = byField.get(field) ?? [];
      const id = `report-field-${field.replace(/[^a-zA-Z0-9-]/g, '-')}`;
      return [
        h('dt', { id, class: found.some((/** @type {any} */ f) => f.kind === 'error') ? 'has-error' : '' }, label),
        h(
          'dd',
          { 'aria-labelledby': id },
          found.length === 0
            ? h('span', { class: 'ok' }, '沒有問題')
            : h(
                'ul',
                { class: 'issues' },
                ...found.map((/** @type {any} */ { kind, issue }) =>
                  h(
                    'li',
                    { class: kind, 'data-field': issue.field, 'data-code': issue.code },
                    h('strong', {}, kind === 'error' ? '錯誤：' : '提示：'),
                    issue.message.zh,
                    issue.at?.line ? `（第 ${issue.at.line} 行）` : '',
                    issue.at?.excerpt ? h('q', {}, issue.at.excerpt) : '',
                    h('span', { class: 'code' }, ` ${issue.code}`),
                  ),
                ),
              ),
        ),
      ];
    }),
  );
  status.textContent =
    `${s.fileName}：${SUBMISSION_STATUS_ZH[s.status] ?? s.status}` +
    (errors.length ? `，共 ${errors.length} 處錯誤，請修正後重新上傳。` : '。') +
    (warnings.length ? `另有 ${warnings.length} 項提示。` : '');
  status.className = errors.length ? 'bad' : 'good';
  section.hidden = false;
  if (errors.length) {
    fieldError(fileInput, `這份檔案有 ${errors.length} 處錯誤，詳見下方「檢查結果」中對應的欄位。`);
    announce(`檢查完成：${errors.length} 處錯誤。`);
  } else {
    fieldError(fileInput, '');
    announce(`檢查完成：${SUBMISSION_STATUS_ZH[s.status] ?? s.status}。`);
  }
  section.focus();
}

async function refreshMine() {
  const subs = document.getElementById('submissions');
  const cases = document.getElementById('cases');
  if (!subs || !cases || !roundId) return;
  try {
    const [{ submissions }, caseList] = await Promise.all([
      api(`/rounds/${encodeURIComponent(roundId)}/submissions`),
      api(`/rounds/${encodeURIComponent(roundId)}/cases`).catch(() => ({ cases: [] })),
    ]);
    submissions.sort((/** @type {any} */ a, /** @type {any} */ b) => b.createdAt.localeCompare(a.createdAt));
    subs.replaceChildren(
      submissions.length === 0
        ? h('p', {}, '尚未上傳任何申報材料。')
        : h(
            'table',
            {},
            h('caption', {}, '每次上傳都是一個版本，最新的在最上面。'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, '版本'),
                h('th', { scope: 'col' }, '檔案'),
                h('th', { scope: 'col' }, '上傳時間'),
                h('th', { scope: 'col' }, '狀態'),
                h('th', { scope: 'col' }, '檢查結果'),
              ),
            ),
            h(
              'tbody',
              {},
              ...submissions.map((/** @type {any} */ s, /** @type {number} */ i) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, `第 ${submissions.length - i} 版`),
                  h('td', {}, s.fileName),
                  h('td', {}, cst(s.createdAt)),
                  h('td', {}, SUBMISSION_STATUS_ZH[s.status] ?? s.status, s.errors?.length ? `（${s.errors.length} 處錯誤）` : ''),
                  h(
                    'td',
                    {},
                    h(
                      'button',
                      { type: 'button', class: 'link', onclick: () => showReport(s) },
                      `查看第 ${submissions.length - i} 版的檢查結果`,
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
    cases.replaceChildren(
      caseList.cases.length === 0
        ? h('p', {}, '尚未有通過檢查的案例。')
        : h(
            'ul',
            {},
            ...caseList.cases.map((/** @type {any} */ c) =>
              h('li', {}, `${c.title}：${CASE_STATUS_ZH[c.status] ?? c.status}（第 ${c.currentVersion} 版）`),
            ),
          ),
    );
  } catch (err) {
    alertError(err);
  }
}
