/**
 * Dossier object keys: `dossiers/<roundId>/<unitCode>/<submissionId>/<original file name>`.
 * The applicant's identity decides the unit folder (the API presigns only their own unit's
 * prefix); the pipeline later checks that the dossier's stated unit matches it.
 */
import { createHash } from 'node:crypto';

/** One case per unit per round: its id derives from both. */
export function caseIdFor(roundId: string, unitCode: string): string {
  return `c-${createHash('sha256').update(`${roundId}/${unitCode}`).digest('hex').slice(0, 20)}`;
}

export interface DossierKey {
  roundId: string;
  unitCode: string;
  submissionId: string;
  fileName: string;
}

const SEGMENT = /^[^/]+$/;

export function parseDossierKey(key: string): DossierKey | undefined {
  const parts = key.split('/');
  if (parts.length !== 5 || parts[0] !== 'dossiers') return undefined;
  const [, roundId, unitCode, submissionId, fileName] = parts as [string, string, string, string, string];
  if (![roundId, unitCode, submissionId, fileName].every((part) => SEGMENT.test(part))) return undefined;
  return { roundId, unitCode, submissionId, fileName };
}

/**
 * S3 and EventBridge deliver keys URL-encoded with `+` for spaces; decoded exactly once (a key
 * whose name holds `%25` or `%2B` means a literal `%` or `+`). Undefined for an encoding S3 would
 * never produce (a broken `%` sequence): such an event is not about one of our uploads.
 */
export function decodeS3Key(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export const parsedKeyOf = (submissionId: string) => `parsed/${submissionId}.json`;
export const reportKeyOf = (submissionId: string) => `reports/${submissionId}.json`;
