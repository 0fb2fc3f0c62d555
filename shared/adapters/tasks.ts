/** Answers the wizard's task tokens through Step Functions. */
import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskSender } from '../use-cases/wizard-task.js';

export function sfnTaskSender(sfn: Pick<SFNClient, 'send'>): TaskSender {
  return {
    async sendSuccess(taskToken, output) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    },
  };
}
