/** Uploading dossiers through the API: ask for a presigned PUT, then PUT the bytes to it. */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { ApiClient } from './client';
import { CliError, describeError, EXIT } from './errors';

const TYPES: Record<string, string> = {
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.zip': 'application/zip',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.txt': 'text/plain',
  '.json': 'application/json',
};

export function contentTypeOf(file: string): string {
  const type = TYPES[extname(file).toLowerCase()];
  if (!type) {
    throw new CliError(
      `${file}: unsupported file type ${extname(file) || '(none)'}`,
      EXIT.invalid,
      `upload a dossier as ${Object.keys(TYPES).join(', ')}`,
    );
  }
  return type;
}

export interface UploadTicket {
  submissionId: string;
  key: string;
  upload: { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string };
}

export async function uploadDossier(client: ApiClient, roundId: string, file: string): Promise<UploadTicket> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`${file}: no such file`, EXIT.usage, 'check the path');
  }
  const contentType = contentTypeOf(file);
  const ticket = await client.post<UploadTicket>(`/rounds/${encodeURIComponent(roundId)}/submissions`, {
    fileName: basename(file),
    contentType,
    size,
  });
  const body = readFileSync(file);
  const where = ticket.upload.url.split('?')[0];
  let res: Response;
  let refusal = '';
  try {
    res = await fetch(ticket.upload.url, { method: 'PUT', headers: { 'content-type': contentType }, body });
    if (!res.ok) refusal = (await res.text()).slice(0, 300);
  } catch (err) {
    throw new CliError(
      `${file}: the upload to storage (PUT ${where}) failed: ${describeError(err)}`,
      EXIT.usage,
      'try again; the upload URL is valid for 15 minutes',
      { cause: err },
    );
  }
  if (!res.ok) {
    throw new CliError(
      `${file}: upload refused by storage (${res.status}): ${refusal}`,
      EXIT.usage,
      'try again; the upload URL is valid for 15 minutes',
    );
  }
  return ticket;
}
