/**
 * The seam between the local cloud and its Step Functions engine (local/stepfunctions):
 * the engine instance, its JSON-protocol endpoint, and registration from the topology.
 */
import { LocalStepFunctions, type DurationScaling } from './stepfunctions/engine';
import type { LambdaInvoker } from './stepfunctions/executions';
import { startSfnServer } from './stepfunctions/server';
import type { RunningServer } from './api';
import type { StateMachineSpec } from './topology';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './topology';

export interface EngineTuning {
  /** Replace every Retry interval with this many ms (tests of retry paths). */
  retryIntervalMs?: number;
  /** Shorten Wait states (the public-notice period in demos). */
  waitScaling?: DurationScaling;
  /** Shorten callback timeouts (to see approval timeouts happen). */
  callbackTimeoutScaling?: DurationScaling;
}

export interface LocalEngine {
  engine: LocalStepFunctions;
  register(machine: StateMachineSpec): Promise<void>;
  recover(): Promise<{ resumed: string[] }>;
  startExecution(stateMachineArn: string, input: string): Promise<unknown>;
  serve(): Promise<RunningServer>;
  stop(): Promise<void>;
}

export async function createEngine(options: {
  dataDir: string;
  invokeLambda: LambdaInvoker;
  tuning?: EngineTuning;
  log?: (line: string) => void;
}): Promise<LocalEngine> {
  const engine = new LocalStepFunctions({
    dataDir: options.dataDir,
    invokeLambda: options.invokeLambda,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    ...(options.tuning?.retryIntervalMs !== undefined ? { retryIntervalMs: options.tuning.retryIntervalMs } : {}),
    ...(options.tuning?.waitScaling ? { waitScaling: options.tuning.waitScaling } : {}),
    ...(options.tuning?.callbackTimeoutScaling ? { callbackTimeoutScaling: options.tuning.callbackTimeoutScaling } : {}),
    log: (message) => options.log?.(`stepfunctions: ${message}`),
  });
  return {
    engine,
    async register(machine) {
      engine.registerStateMachine({ name: machine.name, arn: machine.arn, definition: machine.definition });
    },
    recover: () => engine.recover(),
    async startExecution(stateMachineArn, input) {
      return engine.startExecution({ stateMachineArn, input });
    },
    async serve() {
      const server = await startSfnServer(engine, { port: 0 });
      return { url: server.url, port: Number(new URL(server.url).port), close: () => server.close() };
    },
    stop: () => engine.stop(),
  };
}
