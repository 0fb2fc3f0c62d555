/**
 * The wizard's state machine: one `.waitForTaskToken` task per step, a Choice
 * that lets an execution start at any step (resume), and Catches that mark the
 * account paused on timeout or record why it failed, then end cleanly.
 * The local stack runs this same synthesized definition.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { WAITING_STEPS, type WaitingStep } from '../../shared/domain/wizard.js';

export interface WizardStateMachineProps {
  readonly taskFunction: IFunction;
  /** How long a step waits for the seller before the setup is paused. */
  readonly stepTimeout: Duration;
  /** A fixed name, so the task function's grant can name the state machine without a dependency cycle. */
  readonly stateMachineName: string;
}

/** State names, so the local stack and the tests can name them too. */
export const WIZARD_STATE_NAMES: Record<WaitingStep, string> = {
  connect_channel: 'Connect sales channel',
  connect_bookkeeping: 'Connect bookkeeping',
  accounts_and_taxes: 'Accounts and taxes',
};

export class WizardStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: WizardStateMachineProps) {
    super(scope, id);
    const account = {
      'accountId.$': '$.accountId',
      'sellerId.$': '$.sellerId',
      'executionArn.$': '$$.Execution.Id',
    };
    // Recording the pause must not be lost to one failed call: retry it, so the
    // account never stays "active" behind an execution that has ended.
    const notify = (name: string, action: 'pause' | 'fail') =>
      new LambdaInvoke(this, name, {
        lambdaFunction: props.taskFunction,
        payload: TaskInput.fromObject({ action, ...account, 'step.$': '$.step', 'error.$': '$.failure' }),
        payloadResponseOnly: true,
        resultPath: JsonPath.DISCARD,
        retryOnServiceExceptions: true,
      }).addRetry({ errors: [Errors.ALL], maxAttempts: 4, interval: Duration.seconds(1), backoffRate: 2 });
    const done = new Succeed(this, 'Setup complete');
    const paused = notify('Mark paused', 'pause').next(new Succeed(this, 'Paused'));
    const failed = notify('Record failure', 'fail').next(new Succeed(this, 'Ended after failure'));

    const tasks = WAITING_STEPS.map((step) =>
      new LambdaInvoke(this, WIZARD_STATE_NAMES[step], {
        lambdaFunction: props.taskFunction,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ action: 'wait', step, ...account, taskToken: JsonPath.taskToken }),
        taskTimeout: Timeout.duration(props.stepTimeout),
        resultPath: '$.result',
      })
        .addCatch(new SetStep(this, `${step} timed out`, step).next(paused), {
          errors: [Errors.TIMEOUT],
          resultPath: '$.failure',
        })
        .addCatch(new SetStep(this, `${step} failed`, step).next(failed), {
          errors: [Errors.ALL],
          resultPath: '$.failure',
        }),
    );
    let chain: IChainable = done;
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!;
      task.next(chain);
      chain = task;
    }
    const start = new Choice(this, 'Start at saved step');
    WAITING_STEPS.forEach((step, i) => start.when(Condition.stringEquals('$.startAt', step), tasks[i]!));
    start.otherwise(done);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(start),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}

/** Puts the step that was waiting into `$.step` for the notification that follows. */
class SetStep extends Pass {
  constructor(scope: Construct, id: string, step: WaitingStep) {
    super(scope, id, { result: Result.fromString(step), resultPath: '$.step' });
  }
}
