import type { Command } from 'commander';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM, findTool, ToolMissingError } from '../../local/executables';
import type { RoundExport } from '../../src/domain/export/model';
import { connect, OFFICE, output } from '../support/client';
import { CliError, EXIT } from '../support/errors';
import { roundIdArg } from '../support/round-id';

/**
 * `casebook export ROUND --docx|--xlsx|--pdf FILE`: the office's files of an approved round.
 * The Word and Excel files are made by the API (the console downloads the same ones); the PDF is
 * the round page's printable annex, rendered here by the site's own renderer from the API's data
 * and printed with the local Chromium.
 */
export function register(program: Command): void {
  program
    .command('export')
    .description(
      'an approved round as the office files it: --docx the announcement and annex (Word), --xlsx the score sheet (Excel), --pdf the printable annex (needs Chromium)',
    )
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--docx <file>', 'write the announcement with its annex as a Word document')
    .option('--xlsx <file>', 'write the leadership meeting’s score sheet as an Excel workbook')
    .option('--pdf <file>', 'print the annex to PDF with the local Chromium (CHROMIUM_PATH or chromium on PATH)')
    .action(async (roundId: string, opts: { docx?: string; xlsx?: string; pdf?: string }) => {
      const targets = (['docx', 'xlsx', 'pdf'] as const).filter((f) => opts[f]);
      if (targets.length === 0) {
        throw new CliError(
          'name at least one file: --docx FILE, --xlsx FILE or --pdf FILE / 請指定至少一個輸出檔案',
          EXIT.usage,
          'e.g. casebook export round-5 --docx 第五屆.docx',
        );
      }
      // the printer is looked for first, so a missing Chromium fails before anything is fetched
      const chromium = opts.pdf ? findChromium() : undefined;
      const client = await connect(program, OFFICE);
      const path = `/rounds/${encodeURIComponent(roundId)}/export`;
      const written: { format: string; file: string; bytes: number }[] = [];
      for (const format of targets) {
        const file = resolve(opts[format]!);
        let bytes: Uint8Array;
        if (format === 'pdf') {
          bytes = await printAnnex(await client.get<RoundExport>(path), chromium!);
        } else {
          bytes = await client.getBytes(`${path}?format=${format}`);
        }
        try {
          writeFileSync(file, bytes);
        } catch (err) {
          throw new CliError(`cannot write ${file}: ${(err as Error).message} / 無法寫入檔案`, EXIT.usage);
        }
        written.push({ format, file, bytes: bytes.byteLength });
      }
      output(program, { roundId, files: written }, () => written.map((w) => `${w.format}: ${w.file} (${w.bytes} bytes)`).join('\n'));
    });
}

/**
 * The Chromium to print with, found as the tests find it (local/executables.ts): CHROMIUM_PATH, or
 * the first Chromium or Chrome on PATH; a clear error when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return findTool(CHROMIUM, env);
  } catch (err) {
    if (!(err instanceof ToolMissingError)) throw err;
    if (env[CHROMIUM.env]?.trim()) {
      throw new CliError(
        `${CHROMIUM.env}=${env[CHROMIUM.env]} is not an executable file / ${CHROMIUM.env} 指向的不是可執行檔`,
        EXIT.usage,
        `point ${CHROMIUM.env} at a Chromium or Chrome executable, or unset it to use the one on PATH`,
      );
    }
    throw new CliError(
      'no Chromium is installed, so the PDF cannot be printed / 未安裝 Chromium，無法列印 PDF',
      EXIT.usage,
      `${CHROMIUM.install} or set ${CHROMIUM.env}; --docx and --xlsx work without it, and the round page prints from any browser`,
    );
  }
}

/** The round page of a one-round site rendered from the export, printed with its print stylesheet. */
export async function printAnnex(data: RoundExport, executablePath: string): Promise<Uint8Array> {
  const { annexSite } = await import('../../src/domain/export/annex');
  const { chromium } = await import('playwright-core');
  const { files, roundPath } = annexSite(data);
  const dir = mkdtempSync(join(tmpdir(), 'casebook-annex-'));
  try {
    for (const [path, body] of files) {
      const target = join(dir, path);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, body);
    }
    const browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${join(dir, roundPath)}`, { waitUntil: 'load' });
      const date = data.round.approvedAt ? (await import('../../src/domain/site/format')).chineseDate(data.round.approvedAt) : '';
      const header = escapeXml(`${data.round.title}${date ? `　${date}` : ''}`);
      return new Uint8Array(
        await page.pdf({
          format: 'A4',
          printBackground: false,
          displayHeaderFooter: true,
          headerTemplate: `<div style="font-size:8pt;width:100%;text-align:center;font-family:'Noto Sans CJK SC','Noto Sans CJK TC',sans-serif">${header}</div>`,
          footerTemplate: `<div style="font-size:8pt;width:100%;text-align:center">— <span class="pageNumber"></span> / <span class="totalPages"></span> —</div>`,
          margin: { top: '22mm', bottom: '20mm', left: '18mm', right: '18mm' },
        }),
      );
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
