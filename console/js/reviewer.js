// @ts-check
/**
 * Reviewer: the queue of assigned cases (open PANEL steps) and the scoring form built from the
 * round's rubric, each criterion with its descriptors beside the score field.
 */
import { ApiProblem, alertError, announce, api, clearAlert, cst, fieldError, h, initPage } from './core.js';

const queue = /** @type {HTMLElement} */ (document.getElementById('queue'));
const section = /** @type {HTMLElement} */ (document.getElementById('review'));
const detail = /** @type {HTMLElement} */ (document.getElementById('case-detail'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('score-form'));

/** Names of the parsed dossier's fields, for the case view. */
const CONTENT_ZH = {
  title: '案例標題',
  practices: '主要做法',
  outcomes: '取得成效',
  measures: '具體措施',
  text: '內容',
  figures: '數據',
  round: '屆次',
  attachments: '附件',
  script: '字體',
};

const me = await initPage();
if (me) {
  if (!me.roles.includes('reviewer')) announce('您的帳號不是評審；此頁只列出分派給評審的案例。');
  await loadQueue();
}

async function loadQueue(say = true) {
  try {
    const { tasks } = await api('/tasks');
    const mine = tasks.filter((/** @type {any} */ t) => t.kind === 'PANEL' && t.caseId);
    const cases = await Promise.all(
      mine.map((/** @type {any} */ t) => api(`/cases/${encodeURIComponent(t.caseId)}`).catch(() => undefined)),
    );
    queue.replaceChildren(
      mine.length === 0
        ? h('p', {}, '目前沒有待評案例。')
        : h(
            'ul',
            { class: 'queue' },
            ...mine.map((/** @type {any} */ t, /** @type {number} */ i) =>
              h(
                'li',
                {},
                h('button', { type: 'button', onclick: () => openTask(t, cases[i]) }, `評分：${cases[i]?.title ?? t.caseId}`),
                h('span', { class: 'hint' }, ` 截止 ${cst(t.expiresAt)}`),
              ),
            ),
          ),
    );
    if (say) announce(`待評案例 ${mine.length} 宗。`);
  } catch (err) {
    alertError(err);
  }
}

/** Renders a parsed dossier's fields (strings, lists, nested objects) as a definition list. */
function contentView(/** @type {any} */ value) {
  if (value === null || value === undefined) return h('span', {}, '—');
  if (typeof value !== 'object') return h('span', {}, String(value));
  if (Array.isArray(value))
    return h('ol', {}, ...value.map((v) => h('li', {}, typeof v === 'object' && v && 'text' in v ? String(v.text) : contentView(v))));
  return h(
    'dl',
    { class: 'content' },
    ...Object.entries(value).flatMap(([k, v]) => [
      h('dt', {}, CONTENT_ZH[/** @type {keyof CONTENT_ZH} */ (k)] ?? k),
      h('dd', {}, contentView(v)),
    ]),
  );
}

async function openTask(/** @type {any} */ task, /** @type {any} */ c) {
  clearAlert();
  try {
    const round = await api(`/rounds/${encodeURIComponent(task.roundId)}`);
    const rubric = round.rubric;
    const content = c?.content ? { ...c.content } : {};
    delete content.source;
    delete content.unit;
    detail.replaceChildren(
      h('h3', {}, c?.title ?? task.caseId),
      h(
        'p',
        {},
        `層級：${c?.level === 'township' ? '鄉鎮級' : '縣級'}`,
        round.blindReview ? '（本輪匿名評審：申報單位名稱已隱去）' : c?.unitName ? `；申報單位：${c.unitName}` : '',
      ),
      h('details', { open: true }, h('summary', {}, '申報材料內容'), contentView(content)),
    );
    buildForm(task, rubric);
    section.hidden = false;
    section.focus();
  } catch (err) {
    alertError(err);
  }
}

function buildForm(/** @type {any} */ task, /** @type {any} */ rubric) {
  const max = rubric.maxScore ?? 10;
  const weights = rubric.criteria.reduce((/** @type {number} */ a, /** @type {any} */ c) => a + c.weight, 0);
  form.replaceChildren(
    h('p', { class: 'hint' }, `每項 0–${max} 分，可用 0.5 分。請對照每項的評分說明。`),
    ...rubric.criteria.map((/** @type {any} */ c) => {
      const id = `score-${c.id}`;
      const share = Math.round((c.weight / weights) * 100);
      return h(
        'fieldset',
        { class: 'criterion' },
        h('legend', {}, `${c.name.zh}（權重 ${share}%）`),
        h(
          'ul',
          { id: `${id}-descriptors`, class: 'descriptors' },
          ...c.descriptors.map((/** @type {any} */ d) => h('li', {}, h('strong', {}, `${d.min}–${d.max} 分：`), d.text.zh)),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: id }, `${c.name.zh} 分數（0–${max}）`),
          h('input', {
            id,
            name: c.id,
            type: 'number',
            min: 0,
            max,
            step: 0.5,
            inputmode: 'decimal',
            required: true,
            'aria-describedby': `${id}-descriptors ${id}-error`,
          }),
          h('p', { id: `${id}-error`, class: 'field-error', hidden: true }),
        ),
      );
    }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'score-comment' }, '評語（選填，最多 2000 字）'),
      h('textarea', { id: 'score-comment', name: 'comment', rows: 4, maxlength: 2000, 'aria-describedby': 'score-comment-error' }),
      h('p', { id: 'score-comment-error', class: 'field-error', hidden: true }),
    ),
    h('button', { type: 'submit' }, '提交評分'),
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearAlert();
    /** @type {Record<string, number>} */
    const scores = {};
    /** @type {HTMLElement|undefined} */
    let first;
    for (const c of rubric.criteria) {
      const input = /** @type {HTMLInputElement} */ (document.getElementById(`score-${c.id}`));
      const v = input.value.trim() === '' ? NaN : Number(input.value);
      let problem = '';
      if (Number.isNaN(v)) problem = `請為「${c.name.zh}」評分。`;
      else if (v < 0 || v > max) problem = `「${c.name.zh}」的分數須在 0 到 ${max} 之間。`;
      else if (Math.round(v * 2) !== v * 2) problem = `「${c.name.zh}」的分數以 0.5 分為單位。`;
      fieldError(input, problem);
      if (problem) first ??= input;
      else scores[c.id] = v;
    }
    if (first) {
      announce('評分表有未填或不正確的欄位，請按提示修改。');
      return first.focus();
    }
    const comment = /** @type {HTMLTextAreaElement} */ (document.getElementById('score-comment')).value.trim();
    try {
      await api(`/tasks/${encodeURIComponent(task.taskId)}/decision`, {
        method: 'POST',
        body: { scores, ...(comment ? { comment } : {}) },
      });
      section.hidden = true;
      await loadQueue(false);
      announce('評分已提交，謝謝。');
    } catch (err) {
      if (err instanceof ApiProblem) {
        for (const issue of err.issues) {
          const m = /^scores\.(.+)$/.exec(issue.field);
          const target = document.getElementById(m ? `score-${m[1]}` : issue.field === 'comment' ? 'score-comment' : '');
          if (target) fieldError(target, issue.message.zh);
        }
      }
      alertError(err);
    }
  };
}
