// @ts-check
/**
 * Approver (the leadership meeting): the shortlist with a reason (入選理由) per case, amendments
 * (strike or add, each with its reason), and rulings on objections from the notice period.
 */
import { ApiProblem, CASE_STATUS_ZH, alertError, announce, api, cityName, clearAlert, cst, fieldError, h, initPage } from './core.js';
import { loadRoundView, renderRoundView, whyHere } from './round-view.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('decision-form'));
const safe = (/** @type {string} */ s) => s.replace(/[^a-zA-Z0-9_-]/g, '_');

const me = await initPage();
if (me) {
  if (!me.roles.includes('approver')) announce('您的帳號不是審定領導；此頁只列出審定事項。');
  await loadTasks();
}

async function loadTasks() {
  try {
    const { tasks } = await api('/tasks');
    const mine = tasks.filter((/** @type {any} */ t) => t.kind === 'LEADERSHIP' || t.kind === 'OBJECTION_RULING');
    $('tasks').replaceChildren(
      mine.length === 0
        ? h('p', {}, '目前沒有待審定事項。')
        : h(
            'ul',
            { class: 'queue' },
            ...mine.map((/** @type {any} */ t) =>
              h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', onclick: () => (t.kind === 'LEADERSHIP' ? openList(t) : openObjections(t)) },
                  t.kind === 'LEADERSHIP' ? `審定入選名單（${t.roundId}）` : `裁定公示期異議（${t.roundId}）`,
                ),
                h('span', { class: 'hint' }, ` 期限 ${cst(t.expiresAt)}`),
              ),
            ),
          ),
    );
  } catch (err) {
    alertError(err);
  }
}

/** @param {any} c */
const scoreOf = (c) => c.score?.normalizedMean ?? -Infinity;

async function openList(/** @type {any} */ task) {
  clearAlert();
  try {
    // the ranked shortlist with why each case is there, beside the cases the approver may add
    const [view, { cases }] = await Promise.all([loadRoundView(task.roundId), api(`/rounds/${encodeURIComponent(task.roundId)}/cases`)]);
    const byId = new Map(cases.map((/** @type {any} */ c) => [c.caseId, c]));
    const ranked = [...view.shortlist].sort((/** @type {any} */ a, /** @type {any} */ b) => a.rank - b.rank);
    const listed = new Set(ranked.map((/** @type {any} */ e) => e.caseId));
    const shortlist = ranked.map((/** @type {any} */ e) => ({
      ...(byId.get(e.caseId) ?? { caseId: e.caseId, title: e.title ?? e.caseId, unitName: e.unitName, city: e.city, level: e.level }),
      rank: e.rank,
      why: whyHere(e),
    }));
    const passed = new Map((view.passedOver ?? []).map((/** @type {any} */ p) => [p.caseId, p.reason.zh]));
    const others = cases
      .filter((/** @type {any} */ c) => !listed.has(c.caseId))
      .map((/** @type {any} */ c) => ({ ...c, passedOver: passed.get(c.caseId) }))
      .sort((/** @type {any} */ a, /** @type {any} */ b) => scoreOf(b) - scoreOf(a));
    buildListForm(task, shortlist, others);
    $('decision-h').textContent = `入圍名單（${shortlist.length} 宗）`;
    $('round-view').replaceChildren(renderRoundView(view, { headingLevel: 2, idPrefix: 'approver-rv' }));
    $('round-view-card').hidden = false;
    $('decision').hidden = false;
    $('decision').focus();
  } catch (err) {
    alertError(err);
  }
}

function reasonField(/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ hint, value = '') {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('p', { id: `${id}-hint`, class: 'hint' }, hint),
    h('textarea', { id, rows: 2, 'aria-describedby': `${id}-hint ${id}-error` }, value),
    h('p', { id: `${id}-error`, class: 'field-error', hidden: true }),
  );
}

function caseItem(/** @type {any} */ c, /** @type {'short'|'added'} */ kind, /** @type {() => void} */ onRemove = () => {}) {
  const id = safe(c.caseId);
  const strike = /** @type {HTMLInputElement} */ (
    h('input', { type: 'checkbox', id: `strike-${id}`, 'aria-controls': `strike-box-${id}` })
  );
  const strikeBox = h(
    'div',
    { id: `strike-box-${id}`, hidden: true },
    reasonField(`strike-reason-${id}`, `剔除「${c.title}」的理由`, '剔除須寫明理由，記入稽核紀錄。'),
  );
  strike.addEventListener('change', () => {
    strikeBox.hidden = !strike.checked;
    li.classList.toggle('struck', strike.checked);
  });
  const li = h(
    'li',
    { class: 'list-case', 'data-case': c.caseId, 'data-kind': kind },
    h('h3', {}, c.title),
    h(
      'p',
      {},
      [c.unitName, cityName(c.city), c.level === 'township' ? '鄉鎮級' : '縣級'].filter(Boolean).join('・'),
      c.score ? `；標準化平均分 ${c.score.normalizedMean.toFixed(2)}（${c.score.count} 位評審）` : '',
    ),
    c.rank ? h('p', { class: 'why' }, h('strong', {}, `排名第 ${c.rank}`), c.why ? `：${c.why}` : '') : '',
    reasonField(`reason-${id}`, `「${c.title}」的入選理由`, '將在公布頁面刊出，4–500 字。', c.reason ?? ''),
    kind === 'short'
      ? h('div', { class: 'field' }, h('label', { class: 'choice', for: `strike-${id}` }, strike, ' 從名單剔除此案例'), strikeBox)
      : h(
          'div',
          {},
          reasonField(`add-reason-${id}`, `增補「${c.title}」的理由`, '增補須寫明理由，記入稽核紀錄。'),
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                li.remove();
                onRemove();
              },
            },
            `取消增補「${c.title}」`,
          ),
        ),
  );
  return li;
}

function buildListForm(/** @type {any} */ task, /** @type {any[]} */ shortlist, /** @type {any[]} */ others) {
  const list = h('ol', { class: 'approval-list' }, ...shortlist.map((c) => caseItem(c, 'short')));
  const known = new Map([...shortlist, ...others].map((c) => [c.caseId, c]));
  const pick = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'add-case', 'aria-describedby': 'add-case-error' },
      h('option', { value: '' }, '（選擇案例）'),
      ...others.map((c) =>
        h(
          'option',
          { value: c.caseId },
          `${c.title}（${CASE_STATUS_ZH[/** @type {keyof CASE_STATUS_ZH} */ (c.status)] ?? c.status}${c.passedOver ? `；未入圍：${c.passedOver}` : ''}）`,
        ),
      ),
    )
  );
  const addButton = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        const c = known.get(pick.value);
        if (!c) return fieldError(pick, '請先選擇要增補的案例。');
        if (list.querySelector(`[data-case="${CSS.escape(c.caseId)}"]`)) return fieldError(pick, '這個案例已在名單上。');
        fieldError(pick, '');
        const li = caseItem(c, 'added', () => announce(`已取消增補：${c.title}`));
        list.append(li);
        /** @type {HTMLElement} */ (li.querySelector('textarea')).focus();
        announce(`已增補：${c.title}，請填寫入選理由與增補理由。`);
      },
    },
    '增補到名單',
  );
  form.replaceChildren(
    h(
      'p',
      { class: 'hint' },
      '名單按入圍排名排列（標準化平均分與名額）；每宗案例下列明排名和入圍理由，右方是本輪的評選依據。請為每宗入選案例填寫入選理由；如需剔除或增補，請寫明理由（即為「調整」）。',
    ),
    list,
    h(
      'fieldset',
      { class: 'add' },
      h('legend', {}, '增補案例'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'add-case' }, '要增補的案例'),
        pick,
        h('p', { id: 'add-case-error', class: 'field-error', hidden: true }),
      ),
      addButton,
    ),
    h('button', { type: 'submit', class: 'primary' }, '提交審定結果'),
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearAlert();
    /** @type {{caseId: string, reason: string}[]} */
    const finalList = [];
    /** @type {{caseId: string, change: 'strike'|'add', reason: string}[]} */
    const amendments = [];
    /** @type {Map<string, HTMLElement>} */
    const fieldFor = new Map();
    /** @type {HTMLElement|undefined} */
    let first;
    const need = (/** @type {HTMLTextAreaElement} */ el, /** @type {number} */ min, /** @type {string} */ what) => {
      const v = el.value.trim();
      const problem =
        v.length < min
          ? `請填寫${what}（至少 ${min} 個字）。`
          : v.length > 500 && what.startsWith('入選理由')
            ? '入選理由不可超過 500 字。'
            : '';
      fieldError(el, problem);
      if (problem) first ??= el;
      return v;
    };
    for (const li of list.querySelectorAll('li.list-case')) {
      const caseId = /** @type {string} */ (li.getAttribute('data-case'));
      const id = safe(caseId);
      const struck = /** @type {HTMLInputElement|null} */ (li.querySelector(`#strike-${id}`))?.checked;
      const reasonEl = /** @type {HTMLTextAreaElement} */ (li.querySelector(`#reason-${id}`));
      if (struck) {
        fieldError(reasonEl, '');
        amendments.push({
          caseId,
          change: 'strike',
          reason: need(/** @type {HTMLTextAreaElement} */ (li.querySelector(`#strike-reason-${id}`)), 2, '剔除理由'),
        });
        continue;
      }
      fieldFor.set(`list.${finalList.length}`, reasonEl);
      finalList.push({ caseId, reason: need(reasonEl, 4, '入選理由') });
      if (li.getAttribute('data-kind') === 'added')
        amendments.push({
          caseId,
          change: 'add',
          reason: need(/** @type {HTMLTextAreaElement} */ (li.querySelector(`#add-reason-${id}`)), 2, '增補理由'),
        });
    }
    if (finalList.length === 0)
      return alertError(new ApiProblem(0, 'EMPTY_LIST', { zh: '名單不能為空：至少保留一宗案例。', en: 'The list cannot be empty.' }));
    if (first) {
      announce('審定表有未填的理由，請按提示補充。');
      return first.focus();
    }
    try {
      await api(`/tasks/${encodeURIComponent(task.taskId)}/decision`, {
        method: 'POST',
        body: { outcome: amendments.length ? 'amend' : 'approve', list: finalList, amendments },
      });
      announce(
        amendments.length
          ? `已提交調整後的名單（${finalList.length} 宗，調整 ${amendments.length} 項）。`
          : `已批准名單（${finalList.length} 宗）。`,
      );
      $('decision').hidden = true;
      $('round-view-card').hidden = true;
      await loadTasks();
    } catch (err) {
      if (err instanceof ApiProblem) {
        for (const issue of err.issues) {
          const m = /^(list\.\d+)/.exec(issue.field);
          const el = m ? fieldFor.get(m[1] ?? '') : undefined;
          if (el) fieldError(el, issue.message.zh);
        }
      }
      alertError(err);
    }
  };
}

async function openObjections(/** @type {any} */ task) {
  clearAlert();
  try {
    const { objections } = await api(`/rounds/${encodeURIComponent(task.roundId)}/objections`);
    const open = objections.filter((/** @type {any} */ o) => o.status === 'OPEN');
    form.replaceChildren(
      ...open.map((/** @type {any} */ o) => {
        const id = safe(o.objectionId);
        return h(
          'fieldset',
          { class: 'objection', 'data-objection': o.objectionId },
          h('legend', {}, `案例 ${o.caseId} 的異議（${cst(o.filedAt)}）`),
          h('blockquote', {}, o.text),
          h('label', { class: 'choice' }, h('input', { type: 'radio', name: `outcome-${id}`, value: 'dismissed', checked: true }), ' 駁回'),
          h('label', { class: 'choice' }, h('input', { type: 'radio', name: `outcome-${id}`, value: 'upheld' }), ' 成立'),
          reasonField(`ruling-${id}`, '裁定理由', '必填，記入稽核紀錄。'),
        );
      }),
      h('button', { type: 'submit', class: 'primary' }, '提交裁定'),
    );
    $('decision-h').textContent = `公示期異議（${open.length} 項）`;
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearAlert();
      /** @type {HTMLElement|undefined} */
      let first;
      const rulings = open.map((/** @type {any} */ o) => {
        const id = safe(o.objectionId);
        const el = /** @type {HTMLTextAreaElement} */ (document.getElementById(`ruling-${id}`));
        const reason = el.value.trim();
        fieldError(el, reason.length < 2 ? '請填寫裁定理由（至少 2 個字）。' : '');
        if (reason.length < 2) first ??= el;
        const outcome = /** @type {HTMLInputElement} */ (form.querySelector(`input[name="outcome-${id}"]:checked`)).value;
        return { objectionId: o.objectionId, outcome, reason };
      });
      if (first) return first.focus();
      try {
        await api(`/tasks/${encodeURIComponent(task.taskId)}/decision`, { method: 'POST', body: { rulings } });
        announce('裁定已提交。');
        $('decision').hidden = true;
        await loadTasks();
      } catch (err) {
        alertError(err);
      }
    };
    $('decision').hidden = false;
    $('decision').focus();
  } catch (err) {
    alertError(err);
  }
}
