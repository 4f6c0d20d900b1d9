/**
 * Runs the real statemachines/*.asl.json on the local engine with the workflow handlers' use
 * cases invoked in process, DynamoDB Local behind the store, and an in-memory dossier bucket.
 */
import { readFileSync } from 'node:fs';
import { substitutionKey, WORKFLOW_FUNCTIONS, type WorkflowFunctionName } from '../../lib/workflow-functions';
import { LocalStepFunctions, type DurationScaling, type HistoryEvent } from '../../local/stepfunctions';
import { localFunctionArn } from '../../local/topology/names';
import { renderMarkdown } from '../../src/domain/dossier';
import type { Actor } from '../../src/domain/model';
import { MemoryObjectStore } from '../support/fakes';
import { OutboxNotifier } from '../../src/adapters/outbox-notifier';
import { systemClock } from '../../src/ports/clock';
import type { WorkflowDeps } from '../../src/usecases/deps';
import { parseUpload } from '../../src/usecases/intake/parse';
import { recordRejection } from '../../src/usecases/intake/reject';
import { storeCase } from '../../src/usecases/intake/store-case';
import { validateSubmission } from '../../src/usecases/intake/validate';
import { aggregateScores } from '../../src/usecases/workflow/aggregate';
import { checkRound } from '../../src/usecases/workflow/check-round';
import { decideTask, type DecideResult } from '../../src/usecases/workflow/decide';
import { handleTimeout } from '../../src/usecases/workflow/handle-timeout';
import { markApproved } from '../../src/usecases/workflow/mark-approved';
import { openNotice } from '../../src/usecases/workflow/notice';
import { collectObjections } from '../../src/usecases/workflow/objections';
import { openTask } from '../../src/usecases/workflow/open-task';
import { rankShortlist } from '../../src/usecases/workflow/rank';
import type { Store } from '../../src/store/store';

export type FunctionName = WorkflowFunctionName;

/**
 * The use case each of the stack's workflow functions runs (as its lambdas/<name>/handler.ts
 * does). Keyed by the stack's own list (lib/workflow-functions.ts): a function added there and
 * not here, or named here and not there, fails the type check.
 */
const USE_CASES: Record<FunctionName, (deps: WorkflowDeps, event: never) => Promise<unknown>> = {
  'parse-dossier': parseUpload,
  'validate-dossier': validateSubmission,
  'record-rejection': recordRejection,
  'store-case': storeCase,
  'open-task': openTask,
  'handle-timeout': handleTimeout,
  'aggregate-scores': aggregateScores,
  'check-round': checkRound,
  'rank-shortlist': rankShortlist,
  'open-notice': openNotice,
  'collect-objections': collectObjections,
  'mark-approved': markApproved,
};
const FUNCTION_NAMES = Object.keys(WORKFLOW_FUNCTIONS) as FunctionName[];

function loadDefinition(file: string): string {
  let text = readFileSync(new URL(`../../statemachines/${file}`, import.meta.url), 'utf8');
  for (const name of FUNCTION_NAMES) text = text.replaceAll(`\${${substitutionKey(name)}}`, localFunctionArn(name));
  return text;
}

export interface Harness {
  engine: LocalStepFunctions;
  deps: WorkflowDeps;
  objects: MemoryObjectStore;
  reviewArn: string;
  finalizationArn: string;
  /** Makes the named function throw Lambda.ServiceException on its next `times` invocations. */
  failNext(name: FunctionName, times: number): void;
  invocations: Map<string, number>;
  upload(
    roundId: string,
    unitCode: string,
    submissionId: string,
    content: { title: string; unit: string; practices: string },
  ): Promise<string>;
  uploadRaw(roundId: string, unitCode: string, submissionId: string, fileName: string, body: string): Promise<string>;
  decide(actor: Actor, taskId: string, body: unknown): Promise<DecideResult>;
  history(executionArn: string): HistoryEvent[];
  stop(): Promise<void>;
}

export function createHarness(
  store: Store,
  options: {
    callbackTimeoutScaling?: DurationScaling;
    /** Wraps every invocation (e.g. to attribute a counting store's requests to the function). */
    around?: <T>(name: FunctionName, run: () => Promise<T>) => Promise<T>;
  } = {},
): Harness {
  const objects = new MemoryObjectStore();
  const deps: WorkflowDeps = { store, objects, clock: systemClock, notifier: new OutboxNotifier(store, systemClock) };
  const failures = new Map<string, number>();
  const invocations = new Map<string, number>();
  const engine = new LocalStepFunctions({
    retryIntervalMs: 5,
    ...(options.callbackTimeoutScaling ? { callbackTimeoutScaling: options.callbackTimeoutScaling } : {}),
    waitScaling: { maxSeconds: 1 },
    invokeLambda: async (arn, payload) => {
      const name = FUNCTION_NAMES.find((candidate) => localFunctionArn(candidate) === arn);
      if (!name) throw new Error(`no function ${arn}`);
      invocations.set(name, (invocations.get(name) ?? 0) + 1);
      const left = failures.get(name) ?? 0;
      if (left > 0) {
        failures.set(name, left - 1);
        const error = new Error('injected transient failure');
        error.name = 'Lambda.ServiceException';
        throw error;
      }
      const run = () => USE_CASES[name](deps, payload as never);
      return options.around ? options.around(name, run) : run();
    },
  });
  const { stateMachineArn: reviewArn } = engine.registerStateMachine({
    name: 'dossier-review',
    definition: loadDefinition('dossier-review.asl.json'),
  });
  const { stateMachineArn: finalizationArn } = engine.registerStateMachine({
    name: 'round-finalization',
    definition: loadDefinition('round-finalization.asl.json'),
  });

  const uploadRaw = async (roundId: string, unitCode: string, submissionId: string, fileName: string, body: string) => {
    const key = `dossiers/${roundId}/${unitCode}/${submissionId}/${fileName}`;
    objects.put(key, body);
    const { executionArn } = engine.startExecution({
      stateMachineArn: reviewArn,
      name: `d-${submissionId}`,
      input: { bucket: 'dossiers', key, versionId: null },
    });
    return executionArn;
  };
  return {
    engine,
    deps,
    objects,
    reviewArn,
    finalizationArn,
    invocations,
    failNext: (name, times) => failures.set(name, times),
    uploadRaw,
    upload: (roundId, unitCode, submissionId, content) =>
      uploadRaw(roundId, unitCode, submissionId, 'dossier.md', renderMarkdown({ ...content, round: 6 })),
    decide: (actor, taskId, body) => decideTask(deps, actor, taskId, body),
    history: (executionArn) => engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events,
    stop: () => engine.stop(),
  };
}

/** Decides a task as the decide function would: domain first, then the token to the engine. */
export async function decideAndSend(harness: Harness, actor: Actor, taskId: string, body: unknown): Promise<DecideResult> {
  const result = await harness.decide(actor, taskId, body);
  if (result.status === 'sent')
    harness.engine.sendTaskSuccess({ taskToken: result.sendSuccess.token, output: JSON.stringify(result.sendSuccess.output) });
  return result;
}

/** The names of the states entered, in order. */
export function statesEntered(events: readonly HistoryEvent[]): string[] {
  return events
    .filter((event) => event.type.endsWith('StateEntered'))
    .map((event) => (event.stateEnteredEventDetails as { name: string }).name);
}

export const secretariat: Actor = { id: 'sec-1', name: '秘書處甲', roles: ['secretariat'] };
export const approver: Actor = { id: 'app-1', name: '審定領導', roles: ['approver'] };
export const reviewer = (id: string): Actor => ({ id, name: id, roles: ['reviewer'] });

export function practicesFor(topic: string): string {
  return `${topic}：建立常態化機制，組織代表深入基層聽取群眾意見，形成問題清單並督促有關部門限期辦理，辦理結果向代表和群眾公開反饋。`.repeat(
    3,
  );
}
