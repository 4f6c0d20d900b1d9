/**
 * The announcement as a Word document, laid out as the office files it: the title, the
 * announcement's paragraph, then 附件 with one section per case in the published layout
 * (項目N：title, 申報單位, 主要做法, 入選理由), in the round's script.
 *
 * Fonts are those of an official document (GB/T 9704): 方正小标宋简体 for the title, 黑体 for
 * headings, 仿宋_GB2312 for the body; they are named in the styles, and a reader's Word that
 * lacks one substitutes its own. Headings use Word's built-in Heading 1/2 styles so the
 * navigation pane and a table of contents see them; every page carries its number in the footer.
 */
import { AlignmentType, Document, Footer, HeadingLevel, Packer, PageBreak, PageNumber, Paragraph, TextRun } from 'docx';
import { labelsFor, itemLabel } from '../site/labels';
import { chineseDate } from '../site/format';
import type { RoundExport } from './model';

export const OFFICIAL_FONTS = {
  title: '方正小标宋简体',
  heading: '黑体',
  body: '仿宋_GB2312',
  /** Latin letters and digits beside the Chinese text. */
  latin: 'Times New Roman',
} as const;

/** Half-points: 二号 22pt for the title, 三号 16pt for headings and body (GB/T 9704). */
const SIZE = { title: 44, heading: 32, body: 32 } as const;

const font = (eastAsia: string) => ({
  ascii: OFFICIAL_FONTS.latin,
  hAnsi: OFFICIAL_FONTS.latin,
  eastAsia,
  cs: OFFICIAL_FONTS.latin,
  hint: 'eastAsia',
});

function lines(text: string): string[] {
  return text
    .split(/\r?\n+/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** A labelled field: the label in bold (申報單位：) then the text; a multi-paragraph text continues in body paragraphs. */
function field(label: string, text: string): Paragraph[] {
  const [first = '', ...rest] = lines(text);
  return [
    new Paragraph({ style: 'CaseField', children: [new TextRun({ text: `${label}：`, bold: true }), new TextRun(first)] }),
    ...rest.map((line) => new Paragraph({ style: 'CaseField', children: [new TextRun(line)] })),
  ];
}

export function announcementDocument(data: RoundExport): Document {
  const labels = labelsFor(data.round.script);
  const { round } = data;
  const date = round.approvedAt ? chineseDate(round.approvedAt) : '';
  const annex = data.cases.flatMap((c) => [
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(`${itemLabel(labels, c.order)}：${c.title}`)] }),
    ...field(labels.unit, c.unit),
    ...field(labels.practices, c.practices),
    ...(c.outcomes.trim() ? field(labels.outcomes, c.outcomes) : []),
    ...field(labels.reason, c.reason),
  ]);
  return new Document({
    creator: labels.siteName,
    title: round.title,
    description: round.annexTitle,
    styles: {
      default: {
        document: { run: { font: font(OFFICIAL_FONTS.body), size: SIZE.body }, paragraph: { spacing: { line: 560, lineRule: 'exact' } } },
        title: {
          run: { font: font(OFFICIAL_FONTS.title), size: SIZE.title, bold: false },
          paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 400 } },
        },
        heading1: {
          run: { font: font(OFFICIAL_FONTS.heading), size: SIZE.heading, bold: false, color: '000000' },
          paragraph: { spacing: { before: 240, after: 240 } },
        },
        heading2: {
          run: { font: font(OFFICIAL_FONTS.heading), size: SIZE.heading, bold: false, color: '000000' },
          paragraph: { spacing: { before: 240, after: 120 }, keepNext: true },
        },
      },
      paragraphStyles: [
        { id: 'Lead', name: 'Lead', basedOn: 'Normal', quickFormat: true, paragraph: { indent: { firstLine: 640 } } },
        { id: 'CaseField', name: 'Case field', basedOn: 'Normal', quickFormat: true, paragraph: { indent: { firstLine: 640 } } },
        { id: 'Signature', name: 'Signature', basedOn: 'Normal', paragraph: { alignment: AlignmentType.RIGHT } },
      ],
    },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: 28 })],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(round.title)] }),
          ...lines(round.lead).map((line) => new Paragraph({ style: 'Lead', children: [new TextRun(line)] })),
          ...(date ? [new Paragraph({ style: 'Signature', children: [new TextRun(date)] })] : []),
          new Paragraph({ children: [new PageBreak()] }),
          new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(round.annexTitle)] }),
          ...annex,
        ],
      },
    ],
  });
}

/** The .docx file's bytes. */
export async function announcementDocx(data: RoundExport): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(announcementDocument(data)));
}
