/** The workflow engine (Step Functions on AWS, the local engine behind the same API locally). */
export interface WorkflowEngine {
  /** Starts a named execution; a name already used counts as started (S3 events come at least once). */
  startExecution(stateMachineArn: string, name: string, input: unknown): Promise<{ executionArn?: string; alreadyStarted: boolean }>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}
