/**
 * Turns one uploaded file into a draft dossier (raw fields) or coded errors.
 *
 * The type is decided by content (magic bytes via file-type, then the text itself), never by the
 * declared name. Every path returns a ParseResult; nothing here throws on any input.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { isMap, isScalar, parseDocument, type YAMLError } from 'yaml';
import type { Issue } from '../model';
import { parseChineseNumber } from '../text/numerals';
import { toHans } from '../text/script';
import { decodeText } from './charset';
import { issue } from './codes';
import { commonJsExports } from './commonjs';
import {
  resolveLimits,
  type Attachment,
  type Contact,
  type DossierDraft,
  type DossierFormat,
  type IntakeLimits,
  type ParseResult,
} from './schema';
import { extractDocxText } from './docx-text';
import { readZip, type ZipEntryData } from './zip';

export interface ParseOptions {
  /** The object key or file name (used for messages and extension checks, never to decide the type). */
  key: string;
  limits?: Partial<IntakeLimits>;
}

type InnerFormat = Exclude<DossierFormat, 'zip'>;

interface Fields {
  title: string | null;
  unitAsWritten: string | null;
  practicesText: string | null;
  outcomesText: string | null;
  contact: Contact | null;
  round: number | null;
  lines: Record<string, number[]>;
}

interface DocumentParse {
  fields: Fields | null;
  errors: Issue[];
  warnings: Issue[];
  charset: string | null;
}

const EMPTY_FIELDS = (): Fields => ({
  title: null,
  unitAsWritten: null,
  practicesText: null,
  outcomesText: null,
  contact: null,
  round: null,
  lines: {},
});

const LEGACY_OFFICE = new Set(['cfb', 'doc', 'wps', 'xls', 'ppt', 'msi', 'rtf']);
const ATTACHMENT_TYPES: Record<string, string[]> = { 'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'], 'application/pdf': ['pdf'] };
const KNOWN_KEYS = new Set(['title', 'unit', 'round', 'practices', 'outcomes', 'contact']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function extensionOf(name: string): string {
  const base = name.split('/').pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Applicants' text: NFC, Unix line ends, no trailing spaces, no leading/trailing blank lines. */
function cleanText(s: string): string {
  return (
    s
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      // Word and web pages put no-break spaces where people typed spaces.
      .replace(/\u00A0/gu, ' ')
      .split('\n')
      .map((line) => line.replace(/[ \t\u3000]+$/u, ''))
      .join('\n')
      .trim()
  );
}

/** Paragraphs joined with single newlines: the one text shape every format parses to. */
function joinParagraphs(paragraphs: string[]): string | null {
  const kept = paragraphs.map((p) => p.trim()).filter(Boolean);
  return kept.length ? kept.join('\n') : null;
}

// ---------------------------------------------------------------------------------------------
// Markdown with YAML front matter

const SECTION_FIELDS: Record<string, 'practicesText' | 'outcomesText'> = {
  主要做法: 'practicesText',
  工作做法: 'practicesText',
  工作成效: 'outcomesText',
  主要成效: 'outcomesText',
  取得成效: 'outcomesText',
};

function sectionField(heading: string): 'practicesText' | 'outcomesText' | undefined {
  return SECTION_FIELDS[toHans(heading).replace(/[\s\p{P}]+/gu, '')];
}

function yamlPosition(err: YAMLError): Issue['at'] {
  const pos = err.linePos?.[0];
  return pos ? { line: pos.line, column: pos.col } : undefined;
}

function readFrontMatter(src: string, lineOffset: number, limits: IntakeLimits, out: DocumentParse, fields: Fields): void {
  const doc = parseDocument(src, { uniqueKeys: true, schema: 'core', prettyErrors: true, strict: true });
  for (const err of doc.errors) {
    const at = yamlPosition(err);
    const shifted = at?.line !== undefined ? { ...at, line: at.line + lineOffset } : at;
    if (err.code === 'DUPLICATE_KEY') {
      const key = /"?([^"\s]+)"?/.exec(err.message.replace(/^Map keys must be unique.*?:?/, ''))?.[1] ?? '';
      out.errors.push(issue('YAML_DUPLICATE_KEY', 'frontMatter', { key }, shifted));
    } else {
      out.errors.push(issue('YAML_SYNTAX', 'frontMatter', { detail: err.message.split('\n')[0]! }, shifted));
    }
  }
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      const tag = /tag ([^\s]+)/.exec(warning.message)?.[1] ?? '';
      out.errors.push(issue('YAML_CUSTOM_TAG', 'frontMatter', { tag }, yamlPosition(warning)));
    }
  }
  if (out.errors.length) return;
  if (doc.contents !== null && !isMap(doc.contents)) {
    out.errors.push(issue('YAML_NOT_MAPPING', 'frontMatter'));
    return;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxYamlAliases });
  } catch {
    out.errors.push(issue('YAML_ALIAS_LIMIT', 'frontMatter'));
    return;
  }
  // Where each key starts, so field errors can point at a line.
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        const line = src.slice(0, pair.key.range[0]).split('\n').length + lineOffset;
        fields.lines[String(pair.key.value)] = [line];
      }
    }
  }
  takeFields((data ?? {}) as Record<string, unknown>, fields, out, { allowBody: false });
}

function parseMarkdown(text: string, limits: IntakeLimits): DocumentParse {
  const out: DocumentParse = { fields: null, errors: [], warnings: [], charset: null };
  const fields = EMPTY_FIELDS();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let bodyStart = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, i) => i > 0 && (line.trim() === '---' || line.trim() === '...'));
    if (end === -1) {
      out.errors.push(issue('YAML_SYNTAX', 'frontMatter', { detail: 'the front matter has no closing --- line' }, { line: 1 }));
      bodyStart = lines.length;
    } else {
      readFrontMatter(lines.slice(1, end).join('\n'), 1, limits, out, fields);
      bodyStart = end + 1;
    }
  } else {
    out.errors.push(issue('MD_NO_FRONT_MATTER', 'frontMatter', {}, { line: 1 }));
  }

  const sections: Record<'practicesText' | 'outcomesText', string[] | undefined> = { practicesText: undefined, outcomesText: undefined };
  const sectionStart: Record<'practicesText' | 'outcomesText', number> = { practicesText: 0, outcomesText: 0 };
  let current: string[] | null = null;
  let outside = false;
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,2})\s*(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      const field = sectionField(heading[2]!);
      if (field) {
        if (sections[field])
          out.errors.push(
            issue('MD_DUPLICATE_SECTION', field === 'practicesText' ? 'practices' : 'outcomes', { heading: heading[2]! }, { line: i + 1 }),
          );
        sections[field] = current = [];
        sectionStart[field] = i + 2;
      } else if (heading[1] === '#' && fields.title !== null && heading[2] === fields.title && current === null) {
        // A title repeated as the document heading is harmless.
      } else {
        out.warnings.push(issue('MD_UNKNOWN_SECTION', 'body', { heading: heading[2]! }, { line: i + 1 }));
        current = null;
        outside = false;
      }
      continue;
    }
    if (current) current.push(line.replace(/^#{3,6}\s*/, ''));
    else if (line.trim() && !outside && i >= bodyStart && !Object.values(sections).some(Boolean)) {
      outside = true;
      out.warnings.push(issue('MD_TEXT_OUTSIDE_SECTION', 'body', {}, { line: i + 1 }));
    }
  }
  for (const field of ['practicesText', 'outcomesText'] as const) {
    const body = sections[field];
    if (!body) continue;
    const paragraphs = markdownParagraphs(body, sectionStart[field]);
    fields[field] = joinParagraphs(paragraphs.map((p) => p.text));
    fields.lines[field === 'practicesText' ? 'practices' : 'outcomes'] = paragraphs.map((p) => p.line);
  }
  out.fields = fields;
  return out;
}

/**
 * Markdown paragraphs: blank lines separate them; list items keep their own lines. Each carries
 * the source line it starts on (`firstLine` is the 1-based line of `lines[0]`).
 */
function markdownParagraphs(lines: string[], firstLine: number): { text: string; line: number }[] {
  const paragraphs: { text: string; line: number }[] = [];
  let buffer = '';
  let start = 0;
  const flush = () => {
    if (buffer.trim()) paragraphs.push({ text: buffer.trim(), line: start });
    buffer = '';
  };
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line) {
      flush();
      return;
    }
    if (/^([-*+]|\d+[.)、]|[（(][一二三四五六七八九十\d]+[)）])\s*/u.test(line)) flush();
    if (!buffer) {
      start = firstLine + index;
      buffer = line;
      return;
    }
    // Chinese has no spaces between words, so soft-wrapped lines join without one.
    buffer = /[A-Za-z0-9]$/.test(buffer) && /^[A-Za-z0-9]/.test(line) ? `${buffer} ${line}` : `${buffer}${line}`;
  });
  flush();
  return paragraphs;
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Maximum nesting depth, counted without building anything (so a 10 MB "[[[[…" costs one pass). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function jsonPosition(message: string, text: string): Issue['at'] {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  const offset = Number(pos[1]);
  const before = text.slice(0, offset).split('\n');
  return { offset, line: before.length, column: before[before.length - 1]!.length + 1 };
}

function parseJson(text: string, limits: IntakeLimits): DocumentParse {
  const out: DocumentParse = { fields: null, errors: [], warnings: [], charset: null };
  if (jsonDepth(text) > limits.maxJsonDepth) {
    out.errors.push(issue('JSON_TOO_DEEP', 'json', { limit: limits.maxJsonDepth }));
    return out;
  }
  const forbidden = new Set<string>();
  let data: unknown;
  try {
    data = JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) {
        forbidden.add(key);
        return undefined;
      }
      return value;
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    out.errors.push(issue('JSON_SYNTAX', 'json', { detail: message }, jsonPosition(message, text)));
    return out;
  }
  for (const key of forbidden) out.errors.push(issue('FIELD_FORBIDDEN_KEY', key, { key }));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    out.errors.push(issue('JSON_NOT_OBJECT', 'json'));
    return out;
  }
  const fields = EMPTY_FIELDS();
  takeFields(data as Record<string, unknown>, fields, out, { allowBody: true });
  out.fields = fields;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shared field extraction for JSON and front matter

function typeError(out: DocumentParse, key: string, expected: 'text' | 'number' | 'object'): void {
  const zh = { text: '文字', number: '數字', object: '對象' }[expected];
  const en = { text: 'text', number: 'a number', object: 'an object' }[expected];
  out.errors.push(issue('FIELD_TYPE', key, { key, expected: zh, expectedEn: en }));
}

function textValue(value: unknown, key: string, out: DocumentParse, allowList: boolean): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return cleanText(value) || null;
  if (typeof value === 'number') return String(value);
  if (allowList && Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return joinParagraphs((value as string[]).map(cleanText));
  typeError(out, key, 'text');
  return null;
}

function takeFields(data: Record<string, unknown>, fields: Fields, out: DocumentParse, opts: { allowBody: boolean }): void {
  for (const key of Object.keys(data)) {
    if (FORBIDDEN_KEYS.has(key)) out.errors.push(issue('FIELD_FORBIDDEN_KEY', key, { key }));
    else if (!KNOWN_KEYS.has(key) || (!opts.allowBody && (key === 'practices' || key === 'outcomes'))) {
      out.warnings.push(issue('FIELD_UNKNOWN', key, { key }));
    }
  }
  const own = (key: string): unknown => (Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined);
  fields.title = textValue(own('title'), 'title', out, false);
  fields.unitAsWritten = textValue(own('unit'), 'unit', out, false);
  if (opts.allowBody) {
    fields.practicesText = textValue(own('practices'), 'practices', out, true);
    fields.outcomesText = textValue(own('outcomes'), 'outcomes', out, true);
  }
  const round = own('round');
  if (round !== undefined && round !== null) {
    const n = typeof round === 'number' ? round : typeof round === 'string' ? parseChineseNumber(round.replace(/^第|屆$|届$/gu, '')) : null;
    if (n === null || !Number.isInteger(n) || n <= 0) typeError(out, 'round', 'number');
    else fields.round = n;
  }
  const contact = own('contact');
  if (contact !== undefined && contact !== null) {
    if (typeof contact !== 'object' || Array.isArray(contact)) typeError(out, 'contact', 'object');
    else {
      const c = contact as Record<string, unknown>;
      const pick = (k: string) => (Object.prototype.hasOwnProperty.call(c, k) ? textValue(c[k], `contact.${k}`, out, false) : null);
      const result: Contact = {};
      const name = pick('name');
      const phone = pick('phone');
      const email = pick('email');
      if (name) result.name = name;
      if (phone) result.phone = phone;
      if (email) result.email = email;
      for (const k of Object.keys(c))
        if (!['name', 'phone', 'email'].includes(k)) out.warnings.push(issue('FIELD_UNKNOWN', `contact.${k}`, { key: `contact.${k}` }));
      fields.contact = Object.keys(result).length ? result : null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Word .docx (the official template: label paragraphs, or a two-column label | value table)

type DocxLabel = 'title' | 'unit' | 'practices' | 'outcomes' | 'contact.name' | 'contact.phone' | 'contact.email' | 'round';
const DOCX_LABELS: Record<string, DocxLabel> = {
  项目名称: 'title',
  案例名称: 'title',
  申报单位: 'unit',
  主要做法: 'practices',
  工作成效: 'outcomes',
  主要成效: 'outcomes',
  联系人: 'contact.name',
  联系电话: 'contact.phone',
  电子邮箱: 'contact.email',
  联系邮箱: 'contact.email',
  申报届次: 'round',
};
const LABEL_PATTERN = /^([^:：]{2,6})\s*(?:[:：]\s*([\s\S]*))?$/u;

function docxLabel(paragraph: string): { label: DocxLabel; inline: string } | null {
  const m = LABEL_PATTERN.exec(paragraph.trim());
  if (!m) return null;
  const label = DOCX_LABELS[toHans(m[1]!).replace(/\s+/gu, '')];
  return label ? { label, inline: (m[2] ?? '').trim() } : null;
}

/** mammoth (with jszip, xmldom, underscore) reads Word files only; loaded on the first one. */
let mammothLoading: Promise<typeof import('mammoth')> | undefined;

function loadMammoth(): Promise<typeof import('mammoth')> {
  mammothLoading ??= import('mammoth').then(commonJsExports).catch((error: unknown) => {
    mammothLoading = undefined;
    throw error;
  });
  return mammothLoading;
}

/** The fast reader's raw text, or null when the package is outside what it understands. */
function docxRawText(entries: readonly ZipEntryData[]): string | null {
  const names = new Set(entries.map((e) => e.name));
  if (names.size !== entries.length) return null; // duplicate names: which one wins is the zip reader's choice
  const byName = new Map(entries.map((e) => [e.name, e] as const));
  return extractDocxText({ names, read: (name) => byName.get(name)?.read?.() ?? null });
}

/** mammoth's raw text (the reference reader, for packages the fast one does not understand). */
async function docxRawTextWithMammoth(bytes: Uint8Array, field: string, out: { errors: Issue[] }): Promise<string | null> {
  const { extractRawText } = await loadMammoth();
  try {
    return (await extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
  } catch (err) {
    out.errors.push(issue('DOCX_UNREADABLE', field, { detail: err instanceof Error ? err.message : String(err) }));
    return null;
  }
}

async function parseDocx(bytes: Uint8Array, limits: IntakeLimits, field: string): Promise<DocumentParse> {
  const out: DocumentParse = { fields: null, errors: [], warnings: [], charset: 'utf-8' };
  // The caps are checked on the central directory as before; the fast reader then inflates the
  // few parts it needs.
  const inspected = await readZip(bytes, limits, { readContents: false, field, corruptCode: 'DOCX_UNREADABLE', lazy: true });
  out.errors.push(...inspected.errors);
  if (out.errors.length) return out;
  const raw = docxRawText(inspected.entries) ?? (await docxRawTextWithMammoth(bytes, field, out));
  if (raw === null) return out;
  const paragraphs = raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const fields = EMPTY_FIELDS();
  const body: Record<'practices' | 'outcomes', string[] | undefined> = { practices: undefined, outcomes: undefined };
  let pending: DocxLabel | null = null;
  const assign = (label: DocxLabel, value: string) => {
    const v = cleanText(value);
    if (!v) return;
    if (label === 'title') fields.title = v;
    else if (label === 'unit') fields.unitAsWritten = v;
    else if (label === 'round') fields.round = parseChineseNumber(v.replace(/^第|屆$|届$/gu, ''));
    else if (label.startsWith('contact.')) fields.contact = { ...(fields.contact ?? {}), [label.slice(8)]: v };
  };
  for (const paragraph of paragraphs) {
    const found = docxLabel(paragraph);
    if (found) {
      if (found.label === 'practices' || found.label === 'outcomes') {
        if (body[found.label]) out.errors.push(issue('MD_DUPLICATE_SECTION', found.label, { heading: paragraph.slice(0, 10) }));
        body[found.label] = found.inline ? [found.inline] : [];
        pending = found.label;
      } else if (found.inline) {
        assign(found.label, found.inline);
        pending = null;
      } else {
        pending = found.label;
      }
      continue;
    }
    if (pending === 'practices' || pending === 'outcomes') body[pending]!.push(paragraph);
    else if (pending) {
      assign(pending, paragraph);
      pending = null;
    }
  }
  fields.practicesText = body.practices ? joinParagraphs(body.practices.map(cleanText)) : null;
  fields.outcomesText = body.outcomes ? joinParagraphs(body.outcomes.map(cleanText)) : null;
  out.fields = fields;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dispatch

interface Detected {
  kind: 'zip' | 'docx' | 'legacy' | 'pdf' | 'binary' | 'text';
  type: string;
}

/**
 * Whether a zip is a Word package, judged by its own central directory (file-type reads only the
 * first entries). Reading the directory, not searching the bytes, keeps a .docx stored inside an
 * uploaded zip from making the outer zip look like Word.
 */
function looksLikeWordPackage(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd === -1 || eocd + 22 > buf.length) return false;
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = new Set<string>();
  for (let i = 0; i < count && at + 46 <= buf.length && buf.readUInt32LE(at) === 0x02014b50; i++) {
    const nameLength = buf.readUInt16LE(at + 28);
    names.add(buf.toString('latin1', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return names.has('[Content_Types].xml') && names.has('word/document.xml');
}

async function detect(bytes: Uint8Array): Promise<Detected> {
  let type: Awaited<ReturnType<typeof fileTypeFromBuffer>>;
  try {
    type = await fileTypeFromBuffer(bytes);
  } catch {
    type = undefined;
  }
  if (type) {
    if (type.ext === 'docx') return { kind: 'docx', type: 'docx' };
    if (type.ext === 'zip') return looksLikeWordPackage(bytes) ? { kind: 'docx', type: 'docx' } : { kind: 'zip', type: 'zip' };
    if (LEGACY_OFFICE.has(type.ext)) return { kind: 'legacy', type: type.ext };
    if (type.ext === 'pdf') return { kind: 'pdf', type: 'pdf' };
    if (type.ext !== 'xml') return { kind: 'binary', type: type.ext };
  }
  // Zips file-type cannot classify further (no [Content_Types].xml and no known marker).
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) return { kind: 'zip', type: 'zip' };
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return { kind: 'legacy', type: 'cfb' };
  if (String.fromCharCode(...bytes.subarray(0, 5)) === '{\\rtf') return { kind: 'legacy', type: 'rtf' };
  return { kind: 'text', type: 'text' };
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (!sample) return false;
  const controls = sample.match(/[\u0000-\u0008\u000E-\u001A\u001C-\u001F]/g)?.length ?? 0;
  return controls / sample.length > 0.05;
}

function formatName(kind: InnerFormat | 'zip'): string {
  return kind;
}

async function parseDocument_(
  bytes: Uint8Array,
  name: string,
  limits: IntakeLimits,
  field: string,
  /** What `detect` already said about these bytes (file-type inflates part of a zip to decide). */
  known?: Detected,
): Promise<DocumentParse & { format: InnerFormat | null; type: string }> {
  const detected = known ?? (await detect(bytes));
  const fail = (problem: Issue) => ({ fields: null, errors: [problem], warnings: [], charset: null, format: null, type: detected.type });
  switch (detected.kind) {
    case 'docx':
      return { ...(await parseDocx(bytes, limits, field)), format: 'docx', type: 'docx' };
    case 'legacy':
      return fail(issue('FORMAT_LEGACY_DOC', field));
    case 'pdf':
      return fail(issue('FORMAT_PDF', field));
    case 'zip':
      return fail(issue('ZIP_NESTED_ARCHIVE', field, { name }));
    case 'binary':
      return fail(issue('FORMAT_UNSUPPORTED', field, { type: detected.type }));
    case 'text': {
      const decoded = await decodeText(bytes);
      if (!decoded) return fail(issue('CHARSET_UNDETECTED', field));
      if (looksBinary(decoded.text)) return fail(issue('FORMAT_UNSUPPORTED', field, { type: 'binary' }));
      const text = decoded.text.replace(/^\uFEFF/, '');
      const head = text.trimStart();
      if (/^<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(head)) {
        return { ...fail(issue('FORMAT_HTML', field)), charset: decoded.charset };
      }
      const isJson = head.startsWith('{') || head.startsWith('[') || extensionOf(name) === 'json';
      const parsed = isJson ? parseJson(text, limits) : parseMarkdown(text, limits);
      return { ...parsed, charset: decoded.charset, format: isJson ? 'json' : 'markdown', type: 'text' };
    }
  }
}

const EXTENSIONS: Record<DossierFormat, string[]> = { markdown: ['md', 'markdown', 'txt'], json: ['json'], docx: ['docx'], zip: ['zip'] };

async function parseZip(bytes: Uint8Array, limits: IntakeLimits, key: string) {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const read = await readZip(bytes, limits, { readContents: true, field: 'archive' });
  errors.push(...read.errors);
  warnings.push(...read.warnings);
  if (errors.length) return { errors, warnings, fields: null, charset: null, innerFormat: null, attachments: [] };

  const documents = read.entries.filter((e) => ['md', 'markdown', 'txt', 'json', 'docx'].includes(extensionOf(e.name)));
  const attachments: Attachment[] = [];
  for (const entry of read.entries) {
    const ext = extensionOf(entry.name);
    if (documents.includes(entry)) continue;
    if (ext === 'doc' || ext === 'wps') {
      errors.push(issue('FORMAT_LEGACY_DOC', entry.name));
      continue;
    }
    if (!['jpg', 'jpeg', 'png', 'pdf'].includes(ext)) {
      errors.push(issue('ZIP_UNSUPPORTED_ENTRY', entry.name, { name: entry.name }));
      continue;
    }
    const type = await fileTypeFromBuffer(entry.bytes).catch(() => undefined);
    if (!type || !ATTACHMENT_TYPES[type.mime]?.includes(ext)) {
      if (type && ['zip', 'rar', '7z', 'gz', 'bz2', 'xz', 'tar'].includes(type.ext))
        errors.push(issue('ZIP_NESTED_ARCHIVE', entry.name, { name: entry.name }));
      else errors.push(issue('ATTACHMENT_TYPE_MISMATCH', entry.name, { name: entry.name, type: type?.mime ?? 'unknown' }));
      continue;
    }
    attachments.push({ name: entry.name, type: type.mime, bytes: entry.bytes.length, sha256: sha256(entry.bytes) });
  }
  if (documents.length === 0) {
    errors.push(issue('ZIP_NO_DOSSIER', 'archive'));
    return { errors, warnings, fields: null, charset: null, innerFormat: null, attachments };
  }
  if (documents.length > 1) {
    errors.push(issue('ZIP_MULTIPLE_DOSSIERS', 'archive', { names: documents.map((d) => d.name).join(', ') }));
    return { errors, warnings, fields: null, charset: null, innerFormat: null, attachments };
  }
  const doc = documents[0]!;
  const inner = await parseDocument_(doc.bytes, `${key}/${doc.name}`, limits, 'document');
  errors.push(...inner.errors);
  warnings.push(...inner.warnings);
  return { errors, warnings, fields: inner.fields, charset: inner.charset, innerFormat: inner.format, attachments };
}

/** Parses one uploaded file. Never throws; any input yields a ParseResult. */
export async function parseDossier(bytes: Uint8Array, opts: ParseOptions): Promise<ParseResult> {
  const limits = resolveLimits(opts.limits);
  const source: ParseResult['source'] = {
    key: opts.key,
    sha256: sha256(bytes),
    bytes: bytes.byteLength,
    format: null,
    detectedType: 'unknown',
    charset: null,
  };
  const result = (errors: Issue[], warnings: Issue[], draft: DossierDraft | null): ParseResult => ({
    ok: errors.length === 0 && draft !== null,
    errors,
    warnings,
    draft,
    source,
  });
  try {
    if (bytes.byteLength === 0) return result([issue('FILE_EMPTY', 'file')], [], null);
    if (bytes.byteLength > limits.maxFileBytes)
      return result([issue('FILE_TOO_LARGE', 'file', { size: bytes.byteLength, limit: limits.maxFileBytes })], [], null);

    const detected = await detect(bytes);
    source.detectedType = detected.type;
    let format: DossierFormat | null;
    let parsed: {
      fields: Fields | null;
      errors: Issue[];
      warnings: Issue[];
      charset: string | null;
      innerFormat: InnerFormat | null;
      attachments: Attachment[];
    };
    if (detected.kind === 'zip') {
      format = 'zip';
      parsed = await parseZip(bytes, limits, opts.key);
    } else {
      const doc = await parseDocument_(bytes, opts.key, limits, 'file', detected);
      format = doc.format;
      parsed = { ...doc, innerFormat: null, attachments: [] };
    }
    source.format = format;
    source.charset = parsed.charset;
    const warnings = [...parsed.warnings];
    const ext = extensionOf(opts.key);
    if (format && ext && !EXTENSIONS[format].includes(ext)) {
      warnings.unshift(issue('FORMAT_EXTENSION_MISMATCH', 'file', { extension: `.${ext}`, format: formatName(format) }));
    }
    if (!parsed.fields || !format) return result(parsed.errors, warnings, null);
    const draft: DossierDraft = {
      ...parsed.fields,
      attachments: parsed.attachments,
      format,
      innerFormat: parsed.innerFormat,
      charset: parsed.charset ?? 'utf-8',
    };
    return result(parsed.errors, warnings, draft);
  } catch (err) {
    // Reaching this is a parser bug; the applicant still gets a coded answer, not a crash.
    return result(
      [issue('FORMAT_UNSUPPORTED', 'file', { type: `unreadable (${err instanceof Error ? err.message : String(err)})` })],
      [],
      null,
    );
  }
}
