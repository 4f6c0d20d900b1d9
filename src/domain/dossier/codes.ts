/**
 * Every finding intake can report, with a stable code and a message in Chinese and English.
 *
 * Codes are a contract: applicants' notifications, the console, the CLI's JSON and scripts key
 * off them, so a code is never renamed or reused. `{placeholders}` are filled by `issue()`.
 */
import type { Issue } from '../model';

export const INTAKE_CODES = {
  // --- the file itself ---------------------------------------------------------------------
  FILE_EMPTY: { zh: '文件是空的。', en: 'The file is empty.' },
  FILE_TOO_LARGE: { zh: '文件大小 {size} 字節超過上限 {limit} 字節。', en: 'The file is {size} bytes, over the limit of {limit} bytes.' },
  FORMAT_LEGACY_DOC: {
    zh: '不支持舊版 Word(.doc/.wps)文件。請在 Word 中「另存為」.docx,或使用官方模板(templates/ 目錄)重新填寫。',
    en: 'Legacy Word (.doc/.wps) files are not supported. Save it as .docx in Word ("Save As"), or fill in the official template.',
  },
  FORMAT_PDF: {
    zh: 'PDF 不能作為申報材料本身。請上傳 .docx、Markdown 或 JSON 申報書;PDF 可以作為附件與申報書一起打包成 zip 上傳。',
    en: 'A PDF cannot be the dossier itself. Upload a .docx, Markdown or JSON dossier; PDFs may go in a zip as attachments.',
  },
  FORMAT_HTML: {
    zh: '這是一個網頁(HTML)文件。請把內容填入官方 .docx 或 Markdown 模板後上傳。',
    en: 'This is a web page (HTML). Put the content into the official .docx or Markdown template and upload that.',
  },
  FORMAT_UNSUPPORTED: {
    zh: '不支持的文件類型({type})。請上傳 .docx、Markdown(.md)、JSON,或包含其中一份申報書及附件的 zip。',
    en: 'Unsupported file type ({type}). Upload a .docx, Markdown (.md) or JSON dossier, or a zip holding one of them plus attachments.',
  },
  FORMAT_EXTENSION_MISMATCH: {
    zh: '文件擴展名({extension})與實際內容({format})不符,已按實際內容處理。',
    en: 'The file extension ({extension}) does not match its content ({format}); it was read as {format}.',
  },
  CHARSET_UNDETECTED: {
    zh: '無法識別文件的字符編碼。請以 UTF-8 編碼保存後重新上傳。',
    en: 'The character encoding of the file could not be recognised. Save it as UTF-8 and upload it again.',
  },
  // --- Markdown and YAML front matter --------------------------------------------------------
  MD_NO_FRONT_MATTER: {
    zh: 'Markdown 申報書開頭缺少 YAML 前置信息(以 --- 開始和結束,包含 title 和 unit)。請參照 Markdown 模板。',
    en: 'The Markdown dossier lacks YAML front matter (between --- lines, with title and unit). Follow the Markdown template.',
  },
  MD_UNKNOWN_SECTION: { zh: '未知的章節「{heading}」,其內容未被採用。', en: 'Unknown section "{heading}"; its content was not used.' },
  MD_DUPLICATE_SECTION: { zh: '章節「{heading}」出現了不止一次。', en: 'The section "{heading}" appears more than once.' },
  MD_TEXT_OUTSIDE_SECTION: {
    zh: '第一個章節標題之前的文字未被採用。正文請放在「## 主要做法」或「## 工作成效」之下。',
    en: 'Text before the first section heading was not used. Put it under "## 主要做法" or "## 工作成效".',
  },
  YAML_SYNTAX: { zh: '前置信息(YAML)有語法錯誤:{detail}', en: 'The front matter (YAML) has a syntax error: {detail}' },
  YAML_DUPLICATE_KEY: { zh: '前置信息中有重複的鍵「{key}」。', en: 'The front matter repeats the key "{key}".' },
  YAML_CUSTOM_TAG: { zh: '前置信息中不允許使用自定義標籤({tag})。', en: 'Custom tags ({tag}) are not allowed in the front matter.' },
  YAML_ALIAS_LIMIT: { zh: '前置信息中的別名(alias)展開過多,已拒絕。', en: 'The front matter expands too many aliases; rejected.' },
  YAML_NOT_MAPPING: { zh: '前置信息必須是「鍵: 值」形式。', en: 'The front matter must be a mapping of "key: value" lines.' },
  // --- JSON ----------------------------------------------------------------------------------
  JSON_SYNTAX: { zh: 'JSON 語法錯誤:{detail}', en: 'JSON syntax error: {detail}' },
  JSON_TOO_DEEP: { zh: 'JSON 嵌套超過 {limit} 層,已拒絕。', en: 'The JSON nests deeper than {limit} levels; rejected.' },
  JSON_NOT_OBJECT: { zh: 'JSON 申報書必須是一個對象 {…}。', en: 'A JSON dossier must be an object {…}.' },
  FIELD_FORBIDDEN_KEY: { zh: '不允許使用鍵名「{key}」。', en: 'The key "{key}" is not allowed.' },
  FIELD_UNKNOWN: { zh: '未知的字段「{key}」,已忽略。', en: 'Unknown field "{key}"; ignored.' },
  FIELD_TYPE: { zh: '字段「{key}」應為{expected}。', en: 'The field "{key}" must be {expectedEn}.' },
  // --- Word ----------------------------------------------------------------------------------
  DOCX_UNREADABLE: {
    zh: '無法讀取這個 Word 文件(文件可能已損壞)。請在 Word 中重新保存為 .docx。',
    en: 'This Word file cannot be read (it may be damaged). Save it again as .docx in Word.',
  },
  // --- zip -----------------------------------------------------------------------------------
  ZIP_CORRUPT: { zh: '壓縮包已損壞或格式無效:{detail}', en: 'The archive is damaged or invalid: {detail}' },
  ZIP_TOO_MANY_ENTRIES: { zh: '壓縮包包含的文件超過 {limit} 個。', en: 'The archive holds more than {limit} entries.' },
  ZIP_TOO_LARGE: { zh: '壓縮包解壓後超過 {limit} 字節。', en: 'The archive expands to more than {limit} bytes.' },
  ZIP_RATIO: {
    zh: '壓縮包中的「{name}」壓縮比超過 {limit},疑似壓縮炸彈,已拒絕。',
    en: 'The entry "{name}" has a compression ratio over {limit} (a likely zip bomb); rejected.',
  },
  ZIP_NESTED_ARCHIVE: { zh: '壓縮包中不能再包含壓縮包(「{name}」)。', en: 'Archives inside the archive are not allowed ("{name}").' },
  ZIP_UNSAFE_NAME: {
    zh: '壓縮包中的文件名「{name}」不安全(絕對路徑、..、反斜杠或空字符)。',
    en: 'The entry name "{name}" is unsafe (absolute path, "..", backslash or NUL).',
  },
  ZIP_SYMLINK: { zh: '壓縮包中不能包含符號鏈接(「{name}」)。', en: 'Symbolic links are not allowed in the archive ("{name}").' },
  ZIP_ENCRYPTED: { zh: '壓縮包中的「{name}」已加密,無法讀取。', en: 'The entry "{name}" is encrypted and cannot be read.' },
  ZIP_NO_DOSSIER: {
    zh: '壓縮包中沒有申報書(.docx、.md 或 .json)。',
    en: 'The archive holds no dossier document (.docx, .md or .json).',
  },
  ZIP_MULTIPLE_DOSSIERS: {
    zh: '壓縮包中有多份申報書({names}),只能有一份。',
    en: 'The archive holds more than one dossier document ({names}); there must be exactly one.',
  },
  ZIP_UNSUPPORTED_ENTRY: {
    zh: '壓縮包中的「{name}」不是允許的附件類型(jpg、png、pdf)。',
    en: 'The entry "{name}" is not an allowed attachment type (jpg, png, pdf).',
  },
  ZIP_IGNORED_ENTRY: { zh: '已忽略系統生成的文件「{name}」。', en: 'Ignored the system-generated entry "{name}".' },
  ATTACHMENT_TYPE_MISMATCH: {
    zh: '附件「{name}」的內容與擴展名不符(實際為 {type})。',
    en: 'The attachment "{name}" does not match its extension (it is {type}).',
  },
  // --- content rules -------------------------------------------------------------------------
  TITLE_REQUIRED: { zh: '缺少項目名稱。', en: 'The title (項目名稱) is missing.' },
  TITLE_LENGTH: {
    zh: '項目名稱應為 {min}–{max} 個字,現為 {length} 個字。',
    en: 'The title must be {min}–{max} characters; it has {length}.',
  },
  UNIT_REQUIRED: { zh: '缺少申報單位。', en: 'The applicant unit (申報單位) is missing.' },
  UNIT_NOT_A_BODY: {
    zh: '「{unit}」不是人大機構名稱(應如「…區人大常委會」「…鎮人大」「…街道工委」)。{suggestions}',
    en: '"{unit}" is not the name of a people\'s congress body (e.g. …區人大常委會, …鎮人大, …街道工委). {suggestionsEn}',
  },
  UNIT_OTHER_PROVINCE: {
    zh: '「{unit}」不是廣東省的單位,本評選只接受廣東省縣鄉人大申報。',
    en: '"{unit}" is not in Guangdong; only county and township congress bodies in Guangdong may apply.',
  },
  UNIT_PROVINCIAL_BODY: {
    zh: '省級機關不能申報,本評選面向縣鄉兩級人大。',
    en: 'Provincial bodies cannot apply; the selection is for county and township congress bodies.',
  },
  UNIT_CITY_LEVEL_BODY: {
    zh: '「{unit}」是地級市人大,不能申報;請由縣(市、區)或鄉鎮(街道)人大申報。',
    en: '"{unit}" is a prefecture-level city body and cannot apply; a county- or township-level body must apply.',
  },
  UNIT_COUNTY_NOT_IN_CITY: {
    zh: '「{unit}」中的縣(市、區)不屬於所寫的地級市。{suggestions}',
    en: 'In "{unit}" the county-level division does not belong to the city named. {suggestionsEn}',
  },
  UNIT_TOWNSHIP_WITHOUT_COUNTY: {
    zh: '「{unit}」沒有寫明所屬的縣(市、區)。{suggestions}',
    en: '"{unit}" does not name its county-level division. {suggestionsEn}',
  },
  UNIT_UNKNOWN: { zh: '無法識別申報單位「{unit}」。{suggestions}', en: 'The applicant unit "{unit}" is not recognised. {suggestionsEn}' },
  UNIT_MISMATCH: {
    zh: '申報書中的單位({unit})與上傳賬號所屬單位({expected})不一致。',
    en: 'The unit in the dossier ({unit}) is not the unit the upload was made for ({expected}).',
  },
  UNIT_LEVEL_NOT_ELIGIBLE: {
    zh: '本輪評選不接受{levelZh}單位申報。',
    en: 'This round does not accept {level}-level units.',
  },
  PRACTICES_REQUIRED: { zh: '缺少「主要做法」。', en: 'The main practices (主要做法) are missing.' },
  PRACTICES_TOO_SHORT: {
    zh: '「主要做法」至少需要 {min} 個字,現為 {length} 個字。',
    en: 'The main practices need at least {min} characters; they have {length}.',
  },
  PRACTICES_TOO_LONG: {
    zh: '「主要做法」不能超過 {max} 個字,現為 {length} 個字。',
    en: 'The main practices may have at most {max} characters; they have {length}.',
  },
  OUTCOMES_TOO_LONG: {
    zh: '「工作成效」不能超過 {max} 個字,現為 {length} 個字。',
    en: 'The outcomes may have at most {max} characters; they have {length}.',
  },
  TEXT_MOJIBAKE: {
    zh: '第 {line} 行第 {column} 列附近有亂碼(「{excerpt}」),可能是文字編碼轉換出錯。請核對原文後改正。',
    en: 'Garbled text (mojibake) near line {line}, column {column} ("{excerpt}"), probably from a wrong character encoding. Check against the original and fix it.',
  },
  TEXT_MARKUP: {
    zh: '第 {line} 行第 {column} 列有網頁標記或格式代碼({detail}),請刪除。',
    en: 'Markup or formatting code ({detail}) at line {line}, column {column}; remove it.',
  },
  TEXT_CONTROL_CHAR: {
    zh: '第 {line} 行第 {column} 列有不可見的控制字符({detail}),請刪除。',
    en: 'An invisible control character ({detail}) at line {line}, column {column}; remove it.',
  },
  TEXT_BIDI_CONTROL: {
    zh: '第 {line} 行第 {column} 列有文字方向控制字符({detail}),可能使文字顯示與實際不同,請刪除。',
    en: 'A text-direction control character ({detail}) at line {line}, column {column} can make text display differently from what it is; remove it.',
  },
  TEXT_ZERO_WIDTH: {
    zh: '第 {line} 行第 {column} 列有零寬度字符({detail}),請刪除。',
    en: 'A zero-width character ({detail}) at line {line}, column {column}; remove it.',
  },
  PERSONAL_DATA: {
    zh: '公開內容中出現了{kindZh}({masked}),公佈時將被遮蓋;建議刪除,聯繫方式請填在 contact 中。',
    en: 'Public text contains a {kind} ({masked}); it will be masked when published. Consider removing it and putting contacts under contact.',
  },
  CONTACT_PHONE_INVALID: { zh: '聯繫電話「{value}」格式不正確。', en: 'The contact phone "{value}" is not a valid phone number.' },
  CONTACT_EMAIL_INVALID: { zh: '聯繫郵箱「{value}」格式不正確。', en: 'The contact email "{value}" is not a valid address.' },
  DUPLICATE_NEAR: {
    zh: '本申報書與第 {round} 屆案例 {caseId}(「{title}」)內容高度相似(相似度 {similarity}%)。',
    en: 'This dossier is very similar to case {caseId} of round {round} ("{title}"; {similarity}% similar).',
  },
  DUPLICATE_NEAR_UNCOMPARED: {
    zh: '另有{countZh}個已存案例可能與本申報書相似,未逐一比對(只比對了最可能相似的 {compared} 個)。',
    en: '{countEn} more stored cases may be similar to this dossier and were not compared (only the {compared} likeliest were).',
  },
  ROUND_CLOSED: { zh: '第 {round} 屆評選已截止,不再接受申報。', en: 'Round {round} is closed to submissions.' },
  ROUND_MISMATCH: {
    zh: '申報書寫的是第 {declared} 屆,但上傳到了第 {round} 屆。',
    en: 'The dossier says round {declared}, but it was uploaded to round {round}.',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type IntakeCode = keyof typeof INTAKE_CODES;

export type IssueParams = Record<string, string | number>;

function fill(template: string, params: IssueParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Builds a coded finding; missing suggestion placeholders collapse to nothing. */
export function issue(code: IntakeCode, field: string, params: IssueParams = {}, at?: Issue['at']): Issue {
  const template = INTAKE_CODES[code];
  const withDefaults: IssueParams = { suggestions: '', suggestionsEn: '', ...params };
  const message = { zh: fill(template.zh, withDefaults).trim(), en: fill(template.en, withDefaults).trim() };
  return at ? { code, field, message, at } : { code, field, message };
}
