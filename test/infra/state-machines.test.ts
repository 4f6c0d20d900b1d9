import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { PROJECT_ROOT } from '../../lib/casebook-function';
import { substitutionKey } from '../../lib/workflow-functions';
import { placeholdersOf, STATE_MACHINE_FILES, WORKFLOW_FUNCTIONS } from '../../lib/review-workflow';
import { ofType, synthesize, type Synthesized } from './support';

type State = Record<string, any>;
interface Machine {
  States: Record<string, State>;
  [key: string]: unknown;
}

const STATEMACHINE_DIR = join(PROJECT_ROOT, 'statemachines');
const files = readdirSync(STATEMACHINE_DIR)
  .filter((f) => f.endsWith('.asl.json'))
  .sort();
const read = (file: string) => readFileSync(join(STATEMACHINE_DIR, file), 'utf8');

const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const MAX_TIMEOUT_SECONDS = 2147483;
const isCallback = (state: State) => typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');
const isLambdaTask = (state: State) =>
  state.Type === 'Task' &&
  typeof state.Resource === 'string' &&
  (/^\$\{[A-Za-z0-9]+FunctionArn\}$/.test(state.Resource) || /^arn:aws:states:::lambda:invoke$/.test(state.Resource));

/** Every state with the path of states-objects that hold it; depth 0 = the top level. */
function allStates(machine: Machine): Array<{ name: string; state: State; depth: number }> {
  const out: Array<{ name: string; state: State; depth: number }> = [];
  const walk = (states: Record<string, State>, depth: number) => {
    for (const [name, state] of Object.entries(states)) {
      out.push({ name, state, depth });
      for (const branch of state.Branches ?? []) walk(branch.States, depth + 1);
      const iterator = state.ItemProcessor ?? state.Iterator;
      if (iterator) walk(iterator.States, depth + 1);
    }
  };
  walk(machine.States, 0);
  return out;
}

/** Keys anywhere in a JSON value (to find JSONata-only fields at any depth). */
function keysDeep(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysDeep(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysDeep(v, out);
    }
  }
  return out;
}

describe('statemachines/*.asl.json', () => {
  it('holds the two workflow files', () => {
    expect(files).toEqual(
      Object.values(STATE_MACHINE_FILES)
        .map((f) => f.replace('statemachines/', ''))
        .sort(),
    );
  });

  describe.each(files)('%s', (file) => {
    const text = read(file);
    const machine = JSON.parse(text) as Machine;
    const states = allStates(machine);

    it('is valid ASL (asl-validator), with placeholders replaced by function ARNs', () => {
      const concrete = JSON.parse(
        text.replace(
          /\$\{([A-Za-z0-9]+)FunctionArn\}/g,
          (_m, name: string) => `arn:aws:lambda:ap-east-1:123456789012:function:casebook-${name}`,
        ),
      );
      const { isValid, errorsText } = aslValidator(concrete);
      expect(isValid, errorsText('\n')).toBe(true);
    });

    it('only uses placeholders that name workflow functions', () => {
      const known = new Set(Object.keys(WORKFLOW_FUNCTIONS).map(substitutionKey));
      const used = placeholdersOf(text);
      expect(used.length).toBeGreaterThan(0);
      for (const placeholder of used) expect(known.has(placeholder), placeholder).toBe(true);
    });

    it('is JSONPath only: no QueryLanguage, Assign, Arguments or Output anywhere', () => {
      const keys = keysDeep(machine);
      for (const forbidden of ['QueryLanguage', 'Assign', 'Arguments', 'Output']) {
        expect(keys.has(forbidden), forbidden).toBe(false);
      }
      expect(text).not.toMatch(/\{%/);
    });

    it('has callback states only at the top level', () => {
      const callbacks = states.filter(({ state }) => isCallback(state));
      for (const { name, depth } of callbacks) expect(depth, name).toBe(0);
    });

    it('gives every Task an explicit integer TimeoutSeconds within what the local engine can hold', () => {
      for (const { name, state } of states.filter(({ state }) => state.Type === 'Task')) {
        expect(Number.isInteger(state.TimeoutSeconds), `${name}.TimeoutSeconds`).toBe(true);
        expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
        expect(state.TimeoutSeconds, name).toBeLessThanOrEqual(MAX_TIMEOUT_SECONDS);
        expect(state.TimeoutSecondsPath, name).toBeUndefined();
      }
    });

    it('catches States.Timeout on every callback task, into a state that exists', () => {
      const callbacks = states.filter(({ state }) => isCallback(state));
      for (const { name, state } of callbacks) {
        const catcher = (state.Catch ?? []).find((c: { ErrorEquals: string[] }) => c.ErrorEquals.includes('States.Timeout'));
        expect(catcher, `${name} catches States.Timeout`).toBeDefined();
        expect(Object.keys(machine.States)).toContain(catcher.Next);
        expect(state.Parameters?.['Payload']?.['taskToken.$'], `${name} passes the task token`).toBe('$$.Task.Token');
      }
    });

    it('retries the transient Lambda errors with backoff on every Lambda task', () => {
      for (const { name, state } of states.filter(({ state }) => isLambdaTask(state))) {
        const covered = new Set<string>();
        for (const retrier of state.Retry ?? []) {
          if (!(retrier.BackoffRate > 1) || !(retrier.MaxAttempts >= 2)) continue;
          for (const error of retrier.ErrorEquals) covered.add(error);
        }
        for (const error of LAMBDA_TRANSIENT_ERRORS) expect(covered.has(error), `${name} retries ${error} with backoff`).toBe(true);
      }
    });

    it('keeps retrying a throttled Lambda (refused before it ran) for minutes, with jitter, so a deadline rush loses nothing', () => {
      for (const { name, state } of states.filter(({ state }) => isLambdaTask(state))) {
        const retrier = (state.Retry ?? []).find((r: { ErrorEquals: string[] }) =>
          r.ErrorEquals.includes('Lambda.TooManyRequestsException'),
        );
        expect(retrier, `${name} retries throttles`).toBeDefined();
        expect(retrier.JitterStrategy, `${name}: throttled retries spread out`).toBe('FULL');
        // the longest the retries wait in all: each wait capped by MaxDelaySeconds
        let budget = 0;
        for (let i = 0; i < retrier.MaxAttempts; i++)
          budget += Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** i, retrier.MaxDelaySeconds ?? Infinity);
        expect(budget, `${name}: seconds of throttle retries`).toBeGreaterThanOrEqual(300);
      }
    });
  });
});

describe('state machines in the template', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize();
  });

  it('are Standard, traced, logged to a log group, and carry the file definitions with one substitution per placeholder', () => {
    const machines = ofType(s.resources, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(2);
    for (const [id, machine] of machines) {
      const p = machine.Properties!;
      expect(p.StateMachineType, id).toBe('STANDARD');
      expect(p.TracingConfiguration, id).toEqual({ Enabled: true });
      expect(p.LoggingConfiguration.Level, id).toBe('ALL');
      expect(p.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn, id).toBeDefined();
      const file = id.startsWith('ReviewWorkflowDossierReview') ? STATE_MACHINE_FILES.DossierReview : STATE_MACHINE_FILES.RoundFinalization;
      const definition = read(file.replace('statemachines/', ''));
      expect(p.DefinitionString, id).toBe(definition);
      expect(Object.keys(p.DefinitionSubstitutions).sort(), id).toEqual(placeholdersOf(definition));
    }
  });

  it('synthesized callback tasks keep their timeouts and States.Timeout catches', () => {
    for (const [id, machine] of ofType(s.resources, 'AWS::StepFunctions::StateMachine')) {
      const definition = JSON.parse(machine.Properties!.DefinitionString as string) as Machine;
      const callbacks = allStates(definition).filter(({ state }) => isCallback(state));
      if (id.startsWith('ReviewWorkflowDossierReview')) expect(callbacks.length, id).toBeGreaterThanOrEqual(2);
      else expect(callbacks.length, id).toBeGreaterThanOrEqual(1);
      for (const { name, state } of callbacks) {
        expect(state.TimeoutSeconds, `${id} ${name}`).toBeGreaterThan(0);
        expect(
          state.Catch.some((c: { ErrorEquals: string[] }) => c.ErrorEquals.includes('States.Timeout')),
          `${id} ${name}`,
        ).toBe(true);
        expect(state.Parameters.FunctionName).toBe('${OpenTaskFunctionArn}');
      }
    }
  });
});
