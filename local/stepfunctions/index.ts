/**
 * Local Step Functions: runs our `statemachines/*.asl.json` files on one machine.
 *
 * ```ts
 * const engine = new LocalStepFunctions({ dataDir, invokeLambda: (arn, payload) => handlers[arn](payload) });
 * engine.registerStateMachine({ name: 'dossier-review', arn, definition }); // substitutions applied
 * await engine.recover();                       // resume executions left RUNNING by a crash
 * const { executionArn } = engine.startExecution({ stateMachineArn: arn, name, input: '{"bucket":"b"}' });
 * const task = await engine.waitForPendingTask({ executionArn }); // or engine.pendingTasks()
 * engine.sendTaskSuccess({ taskToken: task.taskToken, output: '{"decision":"ELIGIBLE"}' });
 * await engine.waitForExecution(executionArn);  // → DescribeExecution shape, status SUCCEEDED/FAILED
 * const server = await startSfnServer(engine, { port: 0 }); // AWS_ENDPOINT_URL_SFN = server.url
 * await server.close(); await engine.stop();
 * ```
 *
 * - Tasks: a Lambda function ARN as `Resource`, `arn:aws:states:::lambda:invoke` (result wrapped
 *   in `{ Payload }`), and `arn:aws:states:::lambda:invoke.waitForTaskToken` (top level only) —
 *   all through `invokeLambda(functionArn, payload)`. A thrown error's `name` is the state error
 *   (Retry/Catch see it), its cause is `{"errorType","errorMessage"}` as on AWS.
 * - Callbacks: a fresh opaque token per attempt as `$$.Task.Token`; SendTaskSuccess output is the
 *   task result (then ResultSelector/ResultPath/OutputPath), SendTaskFailure error/cause go to
 *   Retry/Catch, the state's TimeoutSeconds raises a catchable `States.Timeout`. Errors:
 *   `InvalidToken` (malformed), `TaskDoesNotExist` (unknown or already decided), `TaskTimedOut`.
 * - Durability (with `dataDir`): executions, token states and histories are on disk; after a
 *   kill, `recover()` resumes each RUNNING execution at its top-level state — callbacks keep their
 *   token and deadline without invoking the Lambda again, Waits keep their end time, any other
 *   state runs again (at least once).
 * - Operator and test helpers beyond the AWS API: `pendingTasks()`, `waitForPendingTask()`,
 *   `describePosition()`, `waitForExecution(arn, predicate?)`, `idle()` (every execution finished
 *   or parked in a callback or Wait), `stopExecution()`, `recover()`, `stop()` (no timers left).
 * - Local speed: `waitScaling` / `callbackTimeoutScaling` (`{ scale?, maxSeconds? }`) shorten
 *   Wait states and callback timeouts; `retryIntervalMs` replaces every Retry interval.
 * - A state output above 256 KiB fails the execution with `States.DataLimitExceeded`, as on AWS.
 * - Idempotent StartExecution as on AWS: same name and input while RUNNING returns the execution;
 *   otherwise `ExecutionAlreadyExists`.
 * - Not supported (definitions are rejected with `InvalidDefinition`): JSONata, `Assign`, callback
 *   states inside Map/Parallel, non-Lambda resources, timeouts above 2147483 s. HeartbeatSeconds is
 *   accepted but not enforced; `$$.State.*` and `$$.Task.Token` refer to the top-level state.
 */
export {
  LocalStepFunctions,
  type LambdaInvoker,
  type DurationScaling,
  type LocalStepFunctionsOptions,
  type RegisterStateMachineInput,
  type StartExecutionInput,
  type StartExecutionOutput,
  type DescribeExecutionOutput,
  type DescribeStateMachineOutput,
  type ExecutionListItem,
  type HistoryEvent,
  type PendingTask,
} from './engine';
export { startSfnServer, type SfnServer } from './server';
export { SfnError, isSfnError, type SfnErrorName } from './errors';
export { compileDefinition, MAX_TIMEOUT_SECONDS, CALLBACK_RESOURCE, LAMBDA_INVOKE_RESOURCE } from './definition';
export type { ExecutionStatus } from './store';
