/**
 * The workflow task functions by name, and what each may touch: the stack creates one function
 * per entry (lib/review-workflow.ts), the state-machine files name them through
 * `substitutionKey`, and the workflow tests' harness maps each to its use case. No aws-cdk-lib
 * import, so tests can read the list without loading the CDK.
 */
import type { DossierIntake } from './dossier-intake';

type TableAccess = 'read' | 'readWrite';

interface WorkflowFunctionSpec {
  readonly description: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly table: TableAccess;
  readonly objects?: Parameters<DossierIntake['bindObjects']>[1];
  readonly notifies?: boolean;
}

const SPECS = {
  'parse-dossier': {
    description: 'Reads an uploaded dossier, parses it, writes parsed/<submissionId>.json and records the submission',
    memorySize: 1536,
    timeoutSeconds: 120,
    table: 'readWrite',
    objects: { read: ['uploads'], write: ['parsed'] },
  },
  'validate-dossier': {
    description: 'Runs the round rules on a parsed dossier, writes reports/<submissionId>.json, records VALID/INVALID',
    memorySize: 1024,
    timeoutSeconds: 60,
    table: 'readWrite',
    objects: { read: ['parsed'], write: ['reports'] },
  },
  'record-rejection': {
    description: 'Marks a submission INVALID, notifies the applicant with the error codes, audits',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'readWrite',
    notifies: true,
  },
  'store-case': {
    description: "Writes the case version conditionally and supersedes the unit's previous version",
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'readWrite',
  },
  'open-task': {
    description: 'Creates the task item holding the callback token, assigns reviewers, notifies',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'readWrite',
    notifies: true,
  },
  'handle-timeout': {
    description: 'Marks an expired approval step, reminds and escalates to the office',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'readWrite',
    notifies: true,
  },
  'aggregate-scores': {
    description: 'Aggregates panel scores (raw mean, z-score mean, spread, outliers); case REVIEWED',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'readWrite',
  },
  'check-round': {
    description: 'Round finalization: ready when every case is reviewed or the office said proceed',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'read',
  },
  'rank-shortlist': {
    description: 'Ranks the reviewed cases and shortlists them under the quotas, with explanations',
    memorySize: 1024,
    timeoutSeconds: 60,
    table: 'readWrite',
  },
  'open-notice': {
    description: 'Puts the round into its public-notice period',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'readWrite',
  },
  'collect-objections': {
    description: 'Collects the objections filed during the public notice',
    memorySize: 512,
    timeoutSeconds: 30,
    table: 'read',
  },
  'mark-approved': {
    description: 'One transaction: the selected cases APPROVED, the round APPROVED',
    memorySize: 512,
    timeoutSeconds: 60,
    table: 'readWrite',
  },
} satisfies Record<string, WorkflowFunctionSpec>;

export type WorkflowFunctionName = keyof typeof SPECS;

/** The workflow task functions and what each may touch (docs/architecture.md, "Functions"). */
export const WORKFLOW_FUNCTIONS: Readonly<Record<WorkflowFunctionName, WorkflowFunctionSpec>> = SPECS;

/** Turns a function name into the state-machine substitution key: `parse-dossier` → `ParseDossierFunctionArn`. */
export function substitutionKey(name: string): string {
  return `${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}FunctionArn`;
}
