/**
 * Errors of the Step Functions API, named exactly as AWS names them so callers (and the SDK
 * through the HTTP endpoint) can branch on `name` the same way locally and on AWS.
 */
export type SfnErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'UnknownOperationException';

export class SfnError extends Error {
  constructor(
    override readonly name: SfnErrorName,
    message: string,
  ) {
    super(message);
  }
}

export function isSfnError(error: unknown): error is SfnError {
  return error instanceof SfnError;
}
