import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { applicantIdentity, connect, OFFICE, output, table } from '../support/client';
import { EXIT } from '../support/errors';
import { uploadDossier, type UploadTicket } from '../support/upload';
import { roundIdArg } from '../support/round-id';

interface SubmissionView {
  submissionId: string;
  unitCode: string;
  fileName: string;
  status: string;
  createdAt: string;
  caseId?: string;
  errors?: { code: string; field: string; message: { zh: string; en: string } }[];
  warnings?: { code: string; field: string; message: { zh: string; en: string } }[];
}

/** `casebook submit` (as an applicant unit) and `casebook status` (applicant: own unit; office: all). */
export function register(program: Command): void {
  program
    .command('submit')
    .description('upload dossiers for a unit (presigned upload; progress shown for several files)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .argument('<files...>', '.docx, .zip, .md or .txt dossiers')
    .requiredOption('--unit <unitCode>', 'registry code of the applicant unit you act for')
    .action(async (roundId: string, files: string[], opts: { unit: string }) => {
      const client = await connect(program, applicantIdentity(opts.unit));
      const json = !!program.opts().json;
      const bar =
        files.length > 1 && !json && process.stderr.isTTY
          ? new SingleBar({ format: 'uploading [{bar}] {value}/{total} {file}', stream: process.stderr }, Presets.shades_classic)
          : undefined;
      bar?.start(files.length, 0, { file: '' });
      const results: (UploadTicket & { file: string })[] = [];
      try {
        for (const file of files) {
          bar?.update(results.length, { file });
          results.push({ file, ...(await uploadDossier(client, roundId, file)) });
        }
      } finally {
        bar?.update(results.length, { file: '' });
        bar?.stop();
      }
      output(program, { submissions: results.map(({ file, submissionId, key }) => ({ file, submissionId, key })) }, () =>
        [
          table(
            ['file', 'submission'],
            results.map((r) => [r.file, r.submissionId]),
          ),
          '',
          `uploaded; validation runs now — follow it with: casebook status ${roundId} --unit ${opts.unit}`,
        ].join('\n'),
      );
    });

  program
    .command('status')
    .description('submissions of a round with their validation results (--unit: as that applicant; default: the office view)')
    .argument('<roundId>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--unit <unitCode>', 'act as this applicant unit')
    .option('--submission <id>', 'one submission with every error and warning')
    .action(async (roundId: string, opts: { unit?: string; submission?: string }) => {
      const client = await connect(program, opts.unit ? applicantIdentity(opts.unit) : OFFICE);
      if (opts.submission) {
        const s = await client.get<SubmissionView>(`/rounds/${roundId}/submissions/${opts.submission}`);
        output(program, s, () =>
          [
            `${s.submissionId}  ${s.fileName}  ${s.status}${s.caseId ? `  → ${s.caseId}` : ''}`,
            ...(s.errors ?? []).map((e) => `  ✗ ${e.field} ${e.code}: ${e.message.zh}`),
            ...(s.warnings ?? []).map((w) => `  ! ${w.field} ${w.code}: ${w.message.zh}`),
          ].join('\n'),
        );
        if (s.status === 'INVALID') process.exitCode = EXIT.invalid;
        return;
      }
      const list = await client.get<{ submissions: SubmissionView[] }>(`/rounds/${roundId}/submissions`);
      output(program, list, () =>
        list.submissions.length === 0
          ? `no submissions yet in ${roundId}`
          : table(
              ['submission', 'unit', 'file', 'status', 'errors', 'case'],
              list.submissions.map((s) => [
                s.submissionId,
                s.unitCode,
                s.fileName,
                s.status,
                s.errors?.map((e) => e.code).join(',') ?? '',
                s.caseId,
              ]),
            ),
      );
      if (list.submissions.length === 0 && opts.unit === undefined && !program.opts().json) {
        process.stderr.write(`  → applicants upload with: casebook submit ${roundId} FILE… --unit CODE\n`);
      }
      if (
        opts.unit &&
        list.submissions.some((s) => s.status === 'INVALID') &&
        !list.submissions.some((s) => s.status === 'STORED' || s.status === 'VALID')
      ) {
        process.exitCode = EXIT.invalid;
      }
    });
}
