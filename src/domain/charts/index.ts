/** Dashboard charts: pure functions from round data to accessible, escaped, deterministic SVG. */
export { barChart, type BarChartOptions } from './bar';
export { distributionChart, type DistributionInput, type PanelMember } from './distribution';
export { timelineChart, type TimelineEvent } from './timeline';
export { chartFigureHtml, escapeXml, formatCst, type Chart, type ChartTable } from './svg';
export { CASE_STATUS_ZH, CASE_STATUS_ORDER, SUBMISSION_STATUS_ZH } from './labels';
