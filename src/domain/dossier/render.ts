/**
 * Writes a dossier in each format applicants use: the inverse of the parser. The templates,
 * the demo data and the round-trip property tests are all produced through these writers, so
 * what we ship to applicants is exactly what we parse.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { stringify } from 'yaml';
import type { Script } from '../model';
import type { Contact } from './schema';

/** The fields an applicant writes; multi-paragraph texts use "\n" between paragraphs. */
export interface DossierContent {
  title: string;
  unit: string;
  practices: string;
  outcomes?: string;
  contact?: Contact;
  round?: number;
}

const LABELS = {
  hant: {
    title: '項目名稱',
    unit: '申報單位',
    practices: '主要做法',
    outcomes: '工作成效',
    name: '聯繫人',
    phone: '聯繫電話',
    email: '電子郵箱',
    heading: '廣東省縣鄉人大工作創新案例申報書',
  },
  hans: {
    title: '项目名称',
    unit: '申报单位',
    practices: '主要做法',
    outcomes: '工作成效',
    name: '联系人',
    phone: '联系电话',
    email: '电子邮箱',
    heading: '广东省县乡人大工作创新案例申报书',
  },
} as const;

function paragraphsOf(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Markdown with YAML front matter (title, unit, round, contact) and the two body sections. */
export function renderMarkdown(d: DossierContent): string {
  const front: Record<string, unknown> = { title: d.title, unit: d.unit };
  if (d.round !== undefined) front.round = d.round;
  if (d.contact && Object.keys(d.contact).length) front.contact = d.contact;
  const parts = [
    `---\n${stringify(front, { lineWidth: 0 }).trimEnd()}\n---`,
    '',
    '## 主要做法',
    '',
    paragraphsOf(d.practices).join('\n\n'),
  ];
  if (d.outcomes?.trim()) parts.push('', '## 工作成效', '', paragraphsOf(d.outcomes).join('\n\n'));
  return `${parts.join('\n')}\n`;
}

export function renderJson(d: DossierContent): string {
  const out: Record<string, unknown> = { title: d.title, unit: d.unit };
  if (d.round !== undefined) out.round = d.round;
  out.practices = d.practices;
  if (d.outcomes?.trim()) out.outcomes = d.outcomes;
  if (d.contact && Object.keys(d.contact).length) out.contact = d.contact;
  return `${JSON.stringify(out, null, 2)}\n`;
}

export interface DocxOptions {
  /** Label script; the parser reads either. */
  script?: Script;
  /** `paragraphs` (the official template) or `table` (the two-column label | value form). */
  layout?: 'paragraphs' | 'table';
}

function labelled(label: string, value: string): Paragraph {
  return new Paragraph({ children: [new TextRun({ text: `${label}:`, bold: true }), new TextRun(value)] });
}

function cell(text: string | string[], bold = false): TableCell {
  const texts = Array.isArray(text) ? text : [text];
  return new TableCell({ children: texts.map((t) => new Paragraph({ children: [new TextRun({ text: t, bold })] })) });
}

/** The dossier as a Word document, in the official template's shape. */
export async function renderDocx(d: DossierContent, opts: DocxOptions = {}): Promise<Buffer> {
  const l = LABELS[opts.script ?? 'hant'];
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: l.heading, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
  ];
  const contactRows: [string, string][] = [];
  if (d.contact?.name) contactRows.push([l.name, d.contact.name]);
  if (d.contact?.phone) contactRows.push([l.phone, d.contact.phone]);
  if (d.contact?.email) contactRows.push([l.email, d.contact.email]);
  if (opts.layout === 'table') {
    const rows = [
      new TableRow({ children: [cell(l.title, true), cell(d.title)] }),
      new TableRow({ children: [cell(l.unit, true), cell(d.unit)] }),
      new TableRow({ children: [cell(l.practices, true), cell(paragraphsOf(d.practices))] }),
      ...(d.outcomes?.trim() ? [new TableRow({ children: [cell(l.outcomes, true), cell(paragraphsOf(d.outcomes))] })] : []),
      ...contactRows.map(([label, value]) => new TableRow({ children: [cell(label, true), cell(value)] })),
    ];
    children.push(new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } }));
  } else {
    children.push(labelled(l.title, d.title), labelled(l.unit, d.unit));
    children.push(new Paragraph({ text: l.practices, heading: HeadingLevel.HEADING_2 }));
    for (const p of paragraphsOf(d.practices)) children.push(new Paragraph({ text: p }));
    if (d.outcomes?.trim()) {
      children.push(new Paragraph({ text: l.outcomes, heading: HeadingLevel.HEADING_2 }));
      for (const p of paragraphsOf(d.outcomes)) children.push(new Paragraph({ text: p }));
    }
    for (const [label, value] of contactRows) children.push(labelled(label, value));
  }
  const doc = new Document({ creator: 'casebook', title: d.title, sections: [{ children }] });
  return Packer.toBuffer(doc);
}
