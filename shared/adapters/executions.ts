/** The wizard's executions in Step Functions. */
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionPort } from '../ports/index.js';
export type { WizardInput, ExecutionPort } from '../ports/index.js';



/** Answers task tokens; the task function needs only this (it does not know the state machine's ARN). */
export function sfnTaskSender(sfn: Pick<SFNClient, 'send'>): Pick<ExecutionPort, 'sendSuccess'> {
  return {
    async sendSuccess(taskToken, output) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    },
  };
}

export function sfnExecutions(sfn: Pick<SFNClient, 'send'>, stateMachineArn: string): ExecutionPort {
  const prefix = stateMachineArn.replace(':stateMachine:', ':execution:');
  return {
    arnFor: (name) => `${prefix}:${name}`,
    async start(name, input) {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    },
    async stop(executionArn) {
      try {
        await sfn.send(new StopExecutionCommand({ executionArn, cause: 'Superseded by a newer setup run' }));
      } catch (err) {
        if (err instanceof ExecutionDoesNotExist || (err as Error).name === 'ExecutionDoesNotExist') return;
        throw err;
      }
    },
    async isRunning(executionArn) {
      try {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return d.status === 'RUNNING';
      } catch (err) {
        if ((err as Error).name === 'ExecutionDoesNotExist') return false;
        throw err;
      }
    },
    sendSuccess: sfnTaskSender(sfn).sendSuccess,
  };
}
