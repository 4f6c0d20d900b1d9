/**
 * Reading a state-machine definition for the local engine: checks the rules our files follow
 * (JSONPath only, no Assign, callback states at the top level, Lambda tasks only, task timeouts
 * that Node timers can hold), then derives what aws-local-stepfunctions can run.
 *
 * The engine drives the top level itself, one state at a time, so it can persist where each
 * execution is; each step runs the library on a one-state "mini" definition whose transitions
 * end in stub tasks that tell the engine which state comes next.
 */
import { createHash } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { SfnError } from './errors';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type StateDef = { Type: string; [key: string]: unknown };
export interface MachineDef {
  StartAt: string;
  States: Record<string, StateDef>;
  TimeoutSeconds?: number;
  [key: string]: unknown;
}

/** Largest timeout a Node timer in the library can hold (2^31-1 ms); larger values fire at once. */
export const MAX_TIMEOUT_SECONDS = 2_147_483;
export const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::casebook-local:wait';
const LOCAL_TRANSITION_RESOURCE = 'arn:aws:states:::casebook-local:transition';
export const TRANSITION_PREFIX = '__casebook_next__:';
export const END_TRANSITION = '__casebook_end__';

export type TaskKind = 'lambda' | 'lambda-invoke' | 'callback' | 'wait';

export interface StateInfo {
  name: string;
  /** Type in the original definition (a nested Wait runs as a Task but is still a Wait). */
  type: string;
  topLevel: boolean;
  kind?: TaskKind;
  resource?: string;
  definition: StateDef;
}

export interface CompiledMachine {
  definition: MachineDef;
  runnable: MachineDef;
  states: Map<string, StateInfo>;
  /** Every Task state name in `runnable`, each routed to the engine's task handler. */
  taskStateNames: string[];
}

function invalid(message: string): never {
  throw new SfnError('InvalidDefinition', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function nestedMachines(state: StateDef): MachineDef[] {
  if (state.Type === 'Map') {
    const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef | undefined;
    return processor ? [processor] : [];
  }
  if (state.Type === 'Parallel') return (state.Branches as MachineDef[] | undefined) ?? [];
  return [];
}

function classifyTask(name: string, state: StateDef, topLevel: boolean): { kind: TaskKind; resource: string } {
  const resource = state.Resource;
  if (typeof resource !== 'string') invalid(`State "${name}": Task without a Resource`);
  if (resource === CALLBACK_RESOURCE) {
    if (!topLevel) invalid(`State "${name}": callback (.waitForTaskToken) states must be at the top level of the definition`);
    if ('TimeoutSecondsPath' in state) invalid(`State "${name}": use TimeoutSeconds (not TimeoutSecondsPath) on callback states`);
    return { kind: 'callback', resource };
  }
  if (resource.endsWith('.waitForTaskToken'))
    invalid(`State "${name}": only ${CALLBACK_RESOURCE} is supported for callbacks, not ${resource}`);
  if (resource === LAMBDA_INVOKE_RESOURCE) return { kind: 'lambda-invoke', resource };
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: 'lambda', resource };
  return invalid(`State "${name}": unsupported Resource ${resource} (the local engine runs Lambda tasks and Lambda callbacks)`);
}

function collectStates(machine: MachineDef, topLevel: boolean, into: Map<string, StateInfo>): void {
  if (machine.QueryLanguage === 'JSONata') invalid('JSONata is not supported by the local engine; use JSONPath');
  for (const [name, state] of Object.entries(machine.States)) {
    if (into.has(name)) invalid(`State name "${name}" is used twice; names must be unique in the whole definition`);
    if (name.startsWith('__casebook_')) invalid(`State name "${name}" is reserved by the local engine`);
    if (state.QueryLanguage === 'JSONata' || 'Arguments' in state || 'Output' in state) {
      invalid(`State "${name}": JSONata fields are not supported by the local engine; use JSONPath`);
    }
    if ('Assign' in state) invalid(`State "${name}": Assign (variables) is not supported by the local engine`);
    const info: StateInfo = { name, type: state.Type, topLevel, definition: state };
    if (state.Type === 'Task') {
      Object.assign(info, classifyTask(name, state, topLevel));
      for (const field of ['TimeoutSeconds', 'HeartbeatSeconds'] as const) {
        const value = state[field];
        if (value !== undefined && (typeof value !== 'number' || value > MAX_TIMEOUT_SECONDS)) {
          invalid(`State "${name}": ${field} must be a number ≤ ${MAX_TIMEOUT_SECONDS}`);
        }
      }
    }
    if (state.Type === 'Wait') info.kind = 'wait';
    into.set(name, info);
    for (const nested of nestedMachines(state)) collectStates(nested, false, into);
  }
}

const CONTEXT_FIELDS_OVERWRITTEN_BY_LIBRARY = /\$\$\.Execution\.(Input|StartTime)\b/g;

/**
 * The library rebuilds `$$.Execution.Input` and `$$.Execution.StartTime` on every run; since the
 * engine runs one state per library run, those paths are pointed at fields the engine fills.
 */
function rewriteContextPaths(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    const isPath = key.endsWith('.$') || key.endsWith('Path') || key === 'Variable';
    return isPath ? value.replace(CONTEXT_FIELDS_OVERWRITTEN_BY_LIBRARY, (_m, field: string) => `$$.__Execution${field}`) : value;
  }
  if (Array.isArray(value)) return value.map((item) => rewriteContextPaths(item, key));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteContextPaths(v, k)]));
  }
  return value;
}

function waitAsTask(state: StateDef): StateDef {
  const spec: Record<string, unknown> = {};
  if (state.Seconds !== undefined) spec.seconds = state.Seconds;
  if (state.Timestamp !== undefined) spec.timestamp = state.Timestamp;
  if (state.SecondsPath !== undefined) spec['seconds.$'] = state.SecondsPath;
  if (state.TimestampPath !== undefined) spec['timestamp.$'] = state.TimestampPath;
  const task: StateDef = {
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: { __wait: spec, '__input.$': '$' },
    TimeoutSeconds: MAX_TIMEOUT_SECONDS,
  };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    if (field in state) task[field] = state[field];
  }
  return task;
}

function toRunnable(machine: MachineDef): MachineDef {
  const states: Record<string, StateDef> = {};
  for (const [name, original] of Object.entries(machine.States)) {
    let state = clone(original);
    if (state.Type === 'Wait') state = waitAsTask(state);
    // Without an explicit timeout the library gives up after 60 s; AWS waits (nearly) forever.
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      state.TimeoutSeconds = MAX_TIMEOUT_SECONDS;
    }
    if (state.Type === 'Map') {
      const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
      state[key] = toRunnable(state[key] as MachineDef);
    }
    if (state.Type === 'Parallel') state.Branches = (state.Branches as MachineDef[]).map(toRunnable);
    states[name] = state;
  }
  return { ...machine, States: states };
}

/** Validates a definition (ASL schema plus the local rules) and prepares it for the engine. */
export function compileDefinition(input: unknown): CompiledMachine {
  const parsed: unknown = typeof input === 'string' ? parseJson(input) : clone(input);
  if (!isObject(parsed) || !isObject(parsed.States) || typeof parsed.StartAt !== 'string') {
    invalid('A definition needs StartAt and States');
  }
  const definition = parsed as MachineDef;
  validateSchema(definition);
  const states = new Map<string, StateInfo>();
  collectStates(definition, true, states);
  const runnable = toRunnable(rewriteContextPaths(definition) as MachineDef);
  const taskStateNames: string[] = [];
  const collectTasks = (machine: MachineDef) => {
    for (const [name, state] of Object.entries(machine.States)) {
      if (state.Type === 'Task') taskStateNames.push(name);
      for (const nested of nestedMachines(state)) collectTasks(nested);
    }
  };
  collectTasks(runnable);
  return { definition, runnable, states, taskStateNames };
}

/** asl-validator takes a few hundred ms per call; tests register the same definitions over and over. */
const schemaVerdicts = new Map<string, string | null>();

function validateSchema(definition: MachineDef): void {
  const key = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
  let verdict = schemaVerdicts.get(key);
  if (verdict === undefined) {
    verdict = null;
    try {
      new StateMachine(clone(definition) as unknown as StateMachineDefinition, {
        validationOptions: { checkArn: false, checkPaths: true },
      });
    } catch (error) {
      verdict = (error as Error).message;
    }
    schemaVerdicts.set(key, verdict);
  }
  if (verdict !== null) invalid(verdict);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return invalid(`Definition is not valid JSON: ${(error as Error).message}`);
  }
}

function transitionTargets(state: StateDef): string[] {
  const targets: string[] = [];
  if (typeof state.Next === 'string') targets.push(state.Next);
  if (state.End === true) targets.push(END_TRANSITION);
  if (state.Type === 'Choice') {
    for (const choice of (state.Choices as { Next: string }[] | undefined) ?? []) targets.push(choice.Next);
    if (typeof state.Default === 'string') targets.push(state.Default);
  }
  for (const catcher of (state.Catch as { Next: string }[] | undefined) ?? []) targets.push(catcher.Next);
  return targets;
}

/**
 * A definition that runs only `stateName` (as the library would inside the full machine) and
 * then lands in a stub task named after the transition taken.
 */
export function singleStepDefinition(compiled: CompiledMachine, stateName: string): MachineDef {
  const original = compiled.runnable.States[stateName];
  if (!original) throw new Error(`No state ${stateName}`);
  const state = clone(original);
  const redirect = (target: string) => TRANSITION_PREFIX + target;
  if (typeof state.Next === 'string') state.Next = redirect(state.Next);
  if (state.End === true) {
    delete state.End;
    state.Next = redirect(END_TRANSITION);
  }
  if (state.Type === 'Choice') {
    state.Choices = (state.Choices as { Next: string }[]).map((choice) => ({ ...choice, Next: redirect(choice.Next) }));
    if (typeof state.Default === 'string') state.Default = redirect(state.Default);
  }
  if (Array.isArray(state.Catch)) {
    state.Catch = (state.Catch as { Next: string }[]).map((catcher) => ({ ...catcher, Next: redirect(catcher.Next) }));
  }
  // The engine enforces callback deadlines itself (they must count from the original entry), and
  // a Lambda task's TimeoutSeconds from when the function starts running: the local cloud queues
  // invocations for its few slots where AWS would start another instance, and that wait is not
  // the task's (see driver.ts, invoke).
  const kind = compiled.states.get(stateName)?.kind;
  if (kind === 'callback' || ((kind === 'lambda' || kind === 'lambda-invoke') && typeof state.TimeoutSeconds === 'number')) {
    state.TimeoutSeconds = MAX_TIMEOUT_SECONDS;
  }
  const states: Record<string, StateDef> = { [stateName]: state };
  for (const target of transitionTargets(original)) {
    states[redirect(target)] = { Type: 'Task', Resource: LOCAL_TRANSITION_RESOURCE, End: true };
  }
  return { StartAt: stateName, States: states };
}

export function isTransitionStub(stateName: string): boolean {
  return stateName.startsWith(TRANSITION_PREFIX);
}
