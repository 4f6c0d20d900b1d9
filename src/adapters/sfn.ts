/**
 * The workflow port over Step Functions. StartExecution is used by intake-router and the API;
 * SendTaskSuccess/Failure only by the decide function (the only one granted states:SendTask*).
 */
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { WorkflowEngine } from '../ports/workflow';

export class StepFunctionsWorkflow implements WorkflowEngine {
  constructor(private readonly sfn: SFNClient) {}

  async startExecution(stateMachineArn: string, name: string, input: unknown) {
    try {
      const out = await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn, alreadyStarted: false };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists || (error as { name?: string }).name === 'ExecutionAlreadyExists') {
        return { alreadyStarted: true };
      }
      throw error;
    }
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}

let shared: StepFunctionsWorkflow | undefined;

/** The process-wide workflow adapter (client created once). */
export function defaultWorkflow(): StepFunctionsWorkflow {
  shared ??= new StepFunctionsWorkflow(new SFNClient({}));
  return shared;
}
