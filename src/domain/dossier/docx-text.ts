/**
 * The text of a .docx body without building a DOM: a strict one-pass scan of the package's XML
 * parts that reproduces `mammoth.extractRawText` (paragraphs end in "\n\n", tabs are "\t", text
 * is the content of w:t, deleted text and properties are left out).
 *
 * mammoth builds an @xmldom DOM of every part it reads and then its own document model; for a
 * dossier that was most of the parsing time. This scanner accepts only what it fully
 * understands: plain well-formed XML (no DTD, comments, CDATA or processing instructions past the
 * declaration, only the five predefined entities), and in the body the elements whose effect on
 * mammoth's raw text is plain in-order text. Anything else — drawings, text boxes, VML, symbols,
 * alternate content, deleted paragraph marks, merged table cells, checkbox content controls,
 * malformed parts — returns null and the caller asks mammoth, so an unusual document gets
 * exactly the old answer, errors included. A property test holds the two paths equal.
 */

/** Namespace URI → the prefix mammoth names elements with (its office-xml-reader map). */
const MAMMOTH_PREFIXES: Record<string, string> = {
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main': 'w',
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships': 'r',
  'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing': 'wp',
  'http://schemas.openxmlformats.org/drawingml/2006/main': 'a',
  'http://schemas.openxmlformats.org/drawingml/2006/picture': 'pic',
  'http://purl.oclc.org/ooxml/wordprocessingml/main': 'w',
  'http://purl.oclc.org/ooxml/officeDocument/relationships': 'r',
  'http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing': 'wp',
  'http://purl.oclc.org/ooxml/drawingml/main': 'a',
  'http://purl.oclc.org/ooxml/drawingml/picture': 'pic',
  'http://schemas.openxmlformats.org/package/2006/content-types': 'content-types',
  'http://schemas.openxmlformats.org/package/2006/relationships': 'relationships',
  'http://schemas.openxmlformats.org/markup-compatibility/2006': 'mc',
  'urn:schemas-microsoft-com:vml': 'v',
  'urn:schemas-microsoft-com:office:word': 'office-word',
  'http://schemas.microsoft.com/office/word/2010/wordml': 'wordml',
};

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Thrown inside the scan for anything outside the understood subset; never escapes this module. */
class NotUnderstood extends Error {}

function giveUp(): never {
  throw new NotUnderstood();
}

interface XmlHandler {
  /** `name` as mammoth names it (`w:p`, `{uri}local`); attributes by their raw qualified name. */
  open(name: string, attributes: ReadonlyMap<string, string>): void;
  close(name: string): void;
  text(value: string): void;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Decodes the predefined and numeric entities; anything else is not understood. */
function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) giveUp();
    const named = PREDEFINED[body];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (!m) giveUp();
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    // Only characters XML allows (no NUL, C0 controls other than tab/LF/CR, surrogates, FFFE/FFFF).
    if (
      cp > 0x10ffff ||
      (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      cp === 0xfffe ||
      cp === 0xffff
    )
      giveUp();
    return String.fromCodePoint(cp);
  });
}

/** Characters XML 1.0 forbids in content; xmldom does not check, so such parts go to mammoth. */
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * Scans one XML part, calling `handler` in document order. Throws NotUnderstood for anything
 * outside the subset (see the module comment), including every well-formedness error.
 */
function scanXml(xml: string, handler: XmlHandler): void {
  if (FORBIDDEN_CHARS.test(xml) || xml.includes(']]>')) giveUp();
  let i = 0;
  const n = xml.length;
  // The XML declaration, if any, must come first; no other processing instruction is accepted.
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end === -1 || !isSpace(xml.charCodeAt(5))) giveUp();
    i = end + 2;
  }
  const stack: { qname: string; name: string; scope: Map<string, string> | null }[] = [];
  const scopes: Map<string, string>[] = [new Map([['xml', XML_NS]])];
  let seenRoot = false;
  const lookup = (prefix: string): string | undefined => {
    for (let s = scopes.length - 1; s >= 0; s--) {
      const uri = scopes[s]!.get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  };
  const mammothName = (qname: string): string => {
    const colon = qname.indexOf(':');
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    const uri = lookup(prefix);
    if (uri === undefined || uri === '') {
      if (prefix) giveUp(); // an unbound prefix
      return local;
    }
    const mapped = MAMMOTH_PREFIXES[uri];
    return mapped ? `${mapped}:${local}` : `{${uri}}${local}`;
  };

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const raw = xml.slice(i, textEnd);
      if (stack.length === 0) {
        if (!/^[ \t\r\n]*$/.test(raw)) giveUp();
      } else {
        handler.text(decodeEntities(raw));
      }
    }
    if (lt === -1) break;
    i = lt + 1;
    const c = xml.charCodeAt(i);
    if (c === 0x2f) {
      // end tag
      const gt = xml.indexOf('>', i);
      if (gt === -1) giveUp();
      const qname = xml.slice(i + 1, gt).replace(/[ \t\r\n]+$/, '');
      const top = stack.pop();
      if (!top || top.qname !== qname) giveUp();
      handler.close(top.name);
      if (top.scope) scopes.pop();
      i = gt + 1;
      continue;
    }
    if (!isNameStart(c) || (stack.length === 0 && seenRoot)) giveUp(); // comments, CDATA, DTDs, PIs, a second root
    let j = i;
    while (j < n && (isNameChar(xml.charCodeAt(j)) || xml.charCodeAt(j) === 0x3a)) j++;
    const qname = xml.slice(i, j);
    if (!/^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/.test(qname)) giveUp();
    // attributes
    const attributes = new Map<string, string>();
    let scope: Map<string, string> | null = null;
    let selfClosing = false;
    for (;;) {
      const before = j;
      while (j < n && isSpace(xml.charCodeAt(j))) j++;
      if (j >= n) giveUp();
      const ch = xml.charCodeAt(j);
      if (ch === 0x3e) {
        j++;
        break;
      }
      if (ch === 0x2f) {
        if (xml.charCodeAt(j + 1) !== 0x3e) giveUp();
        selfClosing = true;
        j += 2;
        break;
      }
      if (j === before || !isNameStart(ch)) giveUp(); // attributes are separated by whitespace
      const nameStart = j;
      while (j < n && (isNameChar(xml.charCodeAt(j)) || xml.charCodeAt(j) === 0x3a)) j++;
      const attrName = xml.slice(nameStart, j);
      if (!/^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/.test(attrName) || attributes.has(attrName)) giveUp();
      while (j < n && isSpace(xml.charCodeAt(j))) j++;
      if (xml.charCodeAt(j) !== 0x3d) giveUp();
      j++;
      while (j < n && isSpace(xml.charCodeAt(j))) j++;
      const quote = xml[j];
      if (quote !== '"' && quote !== "'") giveUp();
      const close = xml.indexOf(quote, j + 1);
      if (close === -1) giveUp();
      const rawValue = xml.slice(j + 1, close);
      if (rawValue.includes('<')) giveUp();
      const value = decodeEntities(rawValue);
      attributes.set(attrName, value);
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
        const prefix = attrName === 'xmlns' ? '' : attrName.slice(6);
        if (prefix === 'xml' || prefix === 'xmlns' || (prefix !== '' && value === '')) giveUp();
        scope ??= new Map();
        scope.set(prefix, value);
      }
      j = close + 1;
    }
    if (scope) scopes.push(scope);
    // Attribute prefixes must be bound too (xmldom reports unbound ones).
    for (const attrName of attributes.keys()) {
      const colon = attrName.indexOf(':');
      if (colon !== -1 && attrName.slice(0, colon) !== 'xmlns' && lookup(attrName.slice(0, colon)) === undefined) giveUp();
    }
    const name = mammothName(qname);
    seenRoot = true;
    handler.open(name, attributes);
    if (selfClosing) {
      handler.close(name);
      if (scope) scopes.pop();
    } else {
      stack.push({ qname, name, scope });
    }
    i = j;
  }
  if (stack.length > 0 || !seenRoot) giveUp();
}

/** Elements mammoth's body reader does not understand either way here: images, VML, text boxes, symbols. */
const UNDERSTOOD_NOT = new Set([
  'mc:AlternateContent',
  'w:sym',
  'w:object',
  'w:drawing',
  'w:pict',
  'v:roundrect',
  'v:shape',
  'v:textbox',
  'w:txbxContent',
  'wp:inline',
  'wp:anchor',
  'v:imagedata',
  'v:group',
  'v:rect',
]);

/** Elements whose children mammoth reads as body content (they add no text of their own). */
const TRANSPARENT = new Set([
  'w:r',
  'w:hyperlink',
  'w:tbl',
  'w:tr',
  'w:tc',
  'w:customXml',
  'w:ins',
  'w:moveFromRangeEnd',
  'w:moveFromRangeStart',
  'w:moveTo',
  'w:moveToRangeEnd',
  'w:moveToRangeStart',
  'w:smartTag',
]);

/** Body elements mammoth turns into fixed text (or none), without reading their children. */
const LEAVES: Record<string, string> = {
  'w:tab': '\t',
  'w:noBreakHyphen': '\u2011',
  'w:softHyphen': '\u00AD',
  'w:br': '',
  'w:fldChar': '',
  'w:footnoteReference': '',
  'w:endnoteReference': '',
  'w:commentReference': '',
  'w:bookmarkStart': '',
};

type Mode =
  | 'body' // children are body content
  | 'skip' // mammoth ignores this subtree
  | 'text' // w:t: its text is output
  | 'instr' // w:instrText: text read but not output
  | 'pPr' // the paragraph's properties: watch for a deleted paragraph mark
  | 'pPrRPr'
  | 'trPr' // a deleted table row
  | 'tcPr' // a merged cell
  | 'sdt'
  | 'sdtPr'; // a checkbox content control

function hasIdAndAnchor(attributes: ReadonlyMap<string, string>): boolean {
  let id = false;
  let anchor = false;
  for (const key of attributes.keys()) {
    if (/(^|:)id$/.test(key)) id = true;
    if (/(^|:)anchor$/.test(key)) anchor = true;
  }
  return id && anchor;
}

/**
 * A scan of a part that mammoth reads with its body reader. With `collect`, returns the raw text
 * of the first w:body (the main document); without, only checks the part for what is not
 * understood (notes and comments, whose text is not part of the raw text).
 */
function bodyHandler(collect: boolean): XmlHandler & { result(): string } {
  const out: string[] = [];
  const modes: Mode[] = [];
  let bodies = 0;
  /** For each open w:sdt, how many w:sdtContent children it has had (mammoth reads the first only). */
  const sdtContents: number[] = [];
  const parent = (): Mode | undefined => modes[modes.length - 1];
  return {
    open(name, attributes) {
      if (UNDERSTOOD_NOT.has(name)) giveUp();
      // mammoth resolves a hyperlink's r:id and then appends the anchor to it, which fails when the
      // id is unknown; it does so wherever the element sits (notes, skipped or unknown wrappers),
      // so the check cannot depend on the mode the scan is in
      if (name === 'w:hyperlink' && hasIdAndAnchor(attributes)) giveUp();
      const p = parent();
      let mode: Mode;
      if (p === undefined) {
        // the root: for the main document, mammoth reads the children of its first w:body
        mode = 'skip';
      } else if (p === 'text' || p === 'instr') {
        giveUp(); // mammoth's text() throws on element children
      } else if (collect && modes.length === 1 && name === 'w:body') {
        if (++bodies > 1) giveUp();
        mode = 'body';
      } else if (!collect) {
        // notes and comments: only checked, so every element is looked at the same way
        mode = name === 'w:t' ? 'text' : name === 'w:instrText' ? 'instr' : 'body';
      } else if (p === 'body') {
        // (a w:pPr is checked wherever it appears: mammoth ignores one outside a paragraph)
        if (name === 'w:p') mode = 'body';
        else if (name === 'w:pPr') mode = 'pPr';
        else if (name === 'w:t') mode = 'text';
        else if (name === 'w:instrText') mode = 'instr';
        else if (name === 'w:trPr') mode = 'trPr';
        else if (name === 'w:tcPr') mode = 'tcPr';
        else if (name === 'w:sdt') {
          mode = 'sdt';
          sdtContents.push(0);
        } else if (TRANSPARENT.has(name)) mode = 'body';
        else if (Object.prototype.hasOwnProperty.call(LEAVES, name)) {
          out.push(LEAVES[name]!);
          mode = 'skip';
        } else mode = 'skip';
      } else if (p === 'pPr') {
        mode = name === 'w:rPr' ? 'pPrRPr' : 'skip';
      } else if (p === 'pPrRPr') {
        if (name === 'w:del') giveUp();
        mode = 'skip';
      } else if (p === 'trPr') {
        if (name === 'w:del') giveUp();
        mode = 'skip';
      } else if (p === 'tcPr') {
        if (name === 'w:vMerge') giveUp();
        mode = 'skip';
      } else if (p === 'sdt') {
        if (name === 'w:sdtContent') {
          const k = sdtContents.length - 1;
          if (++sdtContents[k]! > 1) giveUp();
          mode = 'body';
        } else mode = name === 'w:sdtPr' ? 'sdtPr' : 'skip';
      } else if (p === 'sdtPr') {
        if (name === 'wordml:checkbox') giveUp();
        mode = 'skip';
      } else {
        mode = 'skip';
      }
      modes.push(mode);
    },
    close(name) {
      const mode = modes.pop();
      if (!collect) return;
      if (mode === 'sdt') sdtContents.pop();
      // a paragraph read as body content ends its text with a blank line
      if (name === 'w:p' && mode === 'body' && parent() === 'body') out.push('\n\n');
    },
    text(value) {
      if (collect && parent() === 'text') out.push(value);
    },
    result() {
      if (collect && bodies === 0) giveUp(); // mammoth: "Could not find the body element"
      return out.join('');
    },
  };
}

/** A handler that only checks that the part is in the understood subset. */
const wellFormed = (): XmlHandler => ({ open() {}, close() {}, text() {} });

interface Relationship {
  type: string | undefined;
  target: string | undefined;
}

function readRelationships(xml: string): Relationship[] {
  const relationships: Relationship[] = [];
  let depth = 0;
  scanXml(xml, {
    open(name, attributes) {
      depth++;
      if (depth === 2 && name === 'relationships:Relationship')
        relationships.push({ type: attributes.get('Type'), target: attributes.get('Target') });
    },
    close() {
      depth--;
    },
    text() {},
  });
  return relationships;
}

/** mammoth's zipfile.joinPath: an absolute part restarts the path. */
function joinPath(...parts: string[]): string {
  let relevant: string[] = [];
  for (const part of parts.filter(Boolean)) {
    if (part.startsWith('/')) relevant = [part];
    else relevant.push(part);
  }
  return relevant.join('/');
}

function splitPath(path: string): { dirname: string; basename: string } {
  const last = path.lastIndexOf('/');
  return last === -1 ? { dirname: '', basename: path } : { dirname: path.slice(0, last), basename: path.slice(last + 1) };
}

const relationshipsFile = (path: string): string => {
  const { dirname, basename } = splitPath(path);
  return joinPath(dirname, '_rels', `${basename}.rels`);
};

const RELATIONSHIP_TYPES = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A Word package: the names of all its files, and their contents on demand (null: unreadable here). */
export interface DocxPackage {
  names: ReadonlySet<string>;
  read(name: string): Uint8Array | null;
}

/**
 * `mammoth.extractRawText(docx).value` for packages in the understood subset; null for anything
 * else (the caller then runs mammoth, which gives the same text or the same error as before).
 */
export function extractDocxText(pkg: DocxPackage): string | null {
  try {
    // Names are compared as mammoth's zip reader (jszip) sees them; keep to plain ASCII names.
    for (const name of pkg.names) if (!/^[\x20-\x7e]+$/.test(name)) giveUp();
    const exists = (path: string) => pkg.names.has(path) && !path.endsWith('/');
    const read = (path: string): string | null => {
      if (!exists(path)) return null;
      const bytes = pkg.read(path);
      if (!bytes) giveUp();
      let text: string;
      try {
        text = strictUtf8.decode(bytes); // drops a BOM, as mammoth does
      } catch {
        giveUp();
      }
      return text;
    };
    const scanPart = (path: string, handler: XmlHandler = wellFormed()): boolean => {
      const xml = read(path);
      if (xml === null) return false;
      scanXml(xml, handler);
      return true;
    };
    const relationshipsOf = (path: string): Relationship[] => {
      const xml = read(relationshipsFile(path));
      return xml === null ? [] : readRelationships(xml);
    };
    const findPart = (relationships: Relationship[], type: string, basePath: string, fallback: string): string => {
      for (const r of relationships) {
        if (r.type !== type || r.target === undefined) continue;
        const joined = joinPath(basePath, r.target);
        const target = joined.startsWith('/') ? joined.slice(1) : joined;
        if (exists(target)) return target;
      }
      return fallback;
    };

    scanPart('[Content_Types].xml');
    const packageRelationships = relationshipsOf('');
    const main = findPart(packageRelationships, `${RELATIONSHIP_TYPES}officeDocument`, '', 'word/document.xml');
    if (!exists(main)) giveUp();
    const documentRelationships = relationshipsOf(main);
    const related = (name: string) =>
      findPart(documentRelationships, `${RELATIONSHIP_TYPES}${name}`, splitPath(main).dirname, `word/${name}.xml`);

    scanPart(related('styles'));
    const numbering = related('numbering');
    let numberingDepth = 0;
    let numMissingAbstract = false;
    scanPart(numbering, {
      open(name) {
        numberingDepth++;
        // mammoth follows numStyleLink into the styles, and reads each w:num's w:abstractNumId unchecked
        if (name === 'w:numStyleLink') giveUp();
        if (numberingDepth === 2 && name === 'w:num') numMissingAbstract = true;
        if (numberingDepth === 3 && name === 'w:abstractNumId') numMissingAbstract = false;
      },
      close(name) {
        if (numberingDepth === 2 && name === 'w:num' && numMissingAbstract) giveUp();
        numberingDepth--;
      },
      text() {},
    });
    for (const part of ['footnotes', 'endnotes', 'comments']) {
      const path = related(part);
      relationshipsOf(path);
      scanPart(path, bodyHandler(false));
    }
    relationshipsOf(main);
    const body = bodyHandler(true);
    scanPart(main, body);
    return body.result();
  } catch (err) {
    if (err instanceof NotUnderstood) return null;
    throw err;
  }
}

/** Only for the tests: the scanner alone, to check it against strict XML rules. */
export function scanXmlForTest(xml: string): boolean {
  try {
    scanXml(xml, wellFormed());
    return true;
  } catch (err) {
    if (err instanceof NotUnderstood) return false;
    throw err;
  }
}
