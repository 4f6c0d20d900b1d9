/**
 * The site's own words. Written once in traditional script; the simplified set is converted
 * from it once per process, so the two cannot drift apart.
 */
import type { Script } from '../model';
import { chineseNumeral } from './format';
import { toHans } from '../text/script';
import { ROUND_STATUS_ZH } from '../labels';

const HANT = {
  programName: '廣東省縣鄉人大工作創新案例',
  siteName: '廣東省縣鄉人大工作創新案例',
  skipToContent: '跳至主要內容',
  breadcrumb: '導覽路徑',
  home: '首頁',
  languageNav: '文字版本',
  switchTo: '简体中文',
  roundsHeading: '歷屆評選',
  noRounds: '目前尚無已公布的評選結果。',
  statusNotice: ROUND_STATUS_ZH.NOTICE,
  statusApproved: ROUND_STATUS_ZH.APPROVED,
  resultTitleSuffix: '評選結果揭曉',
  noticeTitleSuffix: '擬入選項目公示',
  theme: '主題',
  year: '年度',
  caseCount: '項目數',
  publishedOn: '發布日期',
  noticePeriod: '公示期',
  noticeUntil: '公示截止',
  to: '至',
  selectedHeading: '入選項目',
  proposedHeading: '擬入選項目',
  annexPrefix: '附件：',
  itemPrefix: '項目',
  unit: '申報單位',
  city: '所屬地市',
  practices: '主要做法',
  outcomes: '主要成效',
  reason: '入選理由',
  casePage: '查看案例頁面',
  updated: '已更新',
  updatedOn: '更新於',
  changesHeading: '更正與撤銷記錄',
  changesLink: '更正與撤銷記錄',
  noChanges: '本屆評選結果發布後暫無更正或撤銷。',
  correctionsHeading: '更正',
  withdrawalsHeading: '撤銷的項目',
  withdrawnOn: '撤銷日期',
  withdrawnNote: '該項目已撤銷入選資格。',
  openData: '開放數據',
  dataJson: 'JSON 數據',
  dataCsv: 'CSV 數據',
  feed: '訂閱更新(Atom)',
  objectHeading: '如何提出異議',
  objectIntro:
    '公示期間，任何單位和個人對擬入選項目有異議的，可在公示截止前通過下列表格向省人大常委會辦公廳提出。請寫明異議項目、具體理由和依據。以單位名義提出的，請註明單位；以個人名義提出的，可留下聯繫方式以便核實。聯繫方式僅供辦公廳核實使用，不予公開。',
  objectCase: '異議項目',
  objectText: '異議內容、理由及依據',
  objectContact: '聯繫方式(選填，不公開)',
  objectSubmit: '提交異議',
  objectReceivedTitle: '異議已提交',
  objectReceivedBody: '感謝您的意見。辦公廳將在公示期結束後依程序研究處理。',
  backToNotice: '返回公示頁面',
  notFoundTitle: '找不到頁面',
  notFoundBody: '您要找的頁面不存在或已移除。',
  caseOf: '所屬評選',
  status: '狀態',
  selected: '入選',
  proposed: '擬入選',
  footer: '本網站內容由廣東省縣鄉人大工作創新案例評選系統自動生成。',
  search: '搜尋案例',
  searchHeading: '搜尋案例',
  searchIntro: '按標題、申報單位、主要做法或入選理由中的任何詞語查找歷屆案例，可按評選屆次、地市和層級篩選。',
  searchQuery: '關鍵詞',
  searchRound: '評選屆次',
  searchLevel: '層級',
  searchAll: '全部',
  searchSubmit: '搜尋',
  searchAllCases: '全部案例',
  searchFound: '找到 {n} 個案例',
  searchNone: '沒有找到符合條件的案例。',
  level_county: '縣級',
  level_township: '鄉鎮級',
};

export type Labels = typeof HANT & { script: Script };

const cache = new Map<Script, Labels>();

export function labelsFor(script: Script): Labels {
  let labels = cache.get(script);
  if (!labels) {
    const entries = Object.entries(HANT).map(([key, value]) => [key, script === 'hant' ? value : toHans(value)]);
    labels = { ...(Object.fromEntries(entries) as typeof HANT), script, switchTo: script === 'hant' ? '简体中文' : '繁體中文' };
    cache.set(script, labels);
  }
  return labels;
}

/** 第五屆廣東省縣鄉人大工作創新案例評選結果揭曉 */
export function roundTitle(labels: Labels, number: number, status: 'NOTICE' | 'APPROVED'): string {
  return roundOrdinal(labels, number) + labels.programName + (status === 'NOTICE' ? labels.noticeTitleSuffix : labels.resultTitleSuffix);
}

/** 第五屆 */
export function roundOrdinal(labels: Labels, number: number): string {
  return script(labels) === 'hant' ? `第${chineseNumeral(number)}屆` : `第${chineseNumeral(number)}届`;
}

/** 第五屆廣東省縣鄉人大工作創新案例 */
export function roundName(labels: Labels, number: number): string {
  return roundOrdinal(labels, number) + labels.programName;
}

export function itemLabel(labels: Labels, order: number): string {
  return `${labels.itemPrefix}${chineseNumeral(order)}`;
}

function script(labels: Labels): Script {
  return labels.script;
}
