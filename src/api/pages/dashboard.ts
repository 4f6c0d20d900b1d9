/**
 * The office dashboard as one HTML page: what the console shows, for an office member who opens
 * the link in a browser without JavaScript, prints it, or saves it with curl. Charts are the same
 * server-rendered SVG figures, each with its data table; every value from uploads is escaped.
 */
import { chartFigureHtml, formatCst } from '../../domain/charts';
import { ROUND_STATUS_ZH, SUBMISSION_STATUS_ZH, TASK_KIND_ZH } from '../../domain/labels';
import type { Round, SubmissionStatus } from '../../domain/model';
import type { DashboardView } from '../../usecases/api/dashboard';
import { esc, htmlPage } from '../html';

function countTable(
  caption: string,
  header: string,
  counts: Record<string, number>,
  labels: Record<string, string>,
  order: readonly string[],
): string {
  const keys = [
    ...order.filter((k) => k in counts),
    ...Object.keys(counts)
      .filter((k) => !order.includes(k))
      .sort(),
  ];
  if (keys.length === 0) return `<p>${esc(caption)}：尚無資料。</p>`;
  const rows = keys.map((k) => `<tr><th scope="row">${esc(labels[k] ?? k)}</th><td>${counts[k]}</td></tr>`).join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr><th scope="col">${esc(header)}</th><th scope="col">數量</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function dashboardPage(round: Round, view: DashboardView, generatedAt: string): string {
  const c = round.charter;
  const title = `第${c.number}屆（${c.year}年）評選　辦公室儀表板`;
  const overdue = view.overdueTasks.length
    ? `<table><caption>逾期的審批步驟（${view.overdueTasks.length} 項）</caption>` +
      `<thead><tr><th scope="col">步驟</th><th scope="col">類別</th><th scope="col">案例</th><th scope="col">期限（北京時間）</th></tr></thead><tbody>` +
      view.overdueTasks
        .map(
          (t) =>
            `<tr><th scope="row">${esc(t.taskId)}</th><td>${esc(TASK_KIND_ZH[t.kind])}</td><td>${esc(t.caseId ?? '—')}</td><td>${esc(formatCst(t.expiresAt))}</td></tr>`,
        )
        .join('') +
      `</tbody></table>`
    : '<p>沒有逾期的審批步驟。</p>';
  const audit = view.audit.ok
    ? `完整（${view.audit.length} 條記錄）`
    : `<strong>已損壞</strong>：第 ${esc(String(view.audit.firstBroken?.seq ?? '?'))} 條起（${esc(view.audit.firstBroken?.reason ?? '')}）`;
  const main =
    `<h1>${esc(title)}</h1>\n` +
    `<p>主題：${esc(c.theme)}</p>\n` +
    `<p>本頁生成於 ${esc(formatCst(generatedAt))}（北京時間），內容為當時的數據。</p>\n` +
    `<section aria-labelledby="summary-title">\n<h2 id="summary-title">概況</h2>\n<dl>` +
    `<dt>輪次狀態</dt><dd>${esc(ROUND_STATUS_ZH[view.status])}</dd>` +
    `<dt>進行中的審批步驟</dt><dd>${view.openTasks} 項</dd>` +
    `<dt>待發出的通知</dt><dd>${view.outboxPending} 則</dd>` +
    `<dt>審計鏈</dt><dd>${audit}</dd>` +
    `<dt>異議</dt><dd>已登記 ${view.objections.filed} 件（未裁決 ${view.objections.open} 件）；` +
    `重複提交已合併計數 ${view.objections.repeatsSuppressed} 次；` +
    `因同一來源過於頻繁拒收 ${view.objections.refusedRate} 次，因內容不符拒收 ${view.objections.refusedContent} 次</dd>` +
    `</dl>\n</section>\n` +
    `<section aria-labelledby="overdue-title">\n<h2 id="overdue-title">逾期步驟</h2>\n${overdue}\n</section>\n` +
    `<section aria-labelledby="submissions-title">\n<h2 id="submissions-title">申報</h2>\n` +
    countTable(
      '各狀態申報數',
      '狀態',
      view.submissionsByStatus,
      SUBMISSION_STATUS_ZH,
      Object.keys(SUBMISSION_STATUS_ZH) as SubmissionStatus[],
    ) +
    `\n</section>\n` +
    `<section aria-labelledby="charts-title">\n<h2 id="charts-title">圖表</h2>\n` +
    view.charts.map((chart) => `${chartFigureHtml(chart)}\n<p>${esc(chart.text)}</p>`).join('\n') +
    `\n</section>`;
  return htmlPage({ title, main });
}
