/**
 * Fault injection for tests: make the next call to an AWS operation fail,
 * whether it is made by a handler, the task function or a use case.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from './stack.js';

/** Operations a fault can be injected into. */
export const FAULT_TARGETS = [
  'dynamodb:1',
  'dynamodb:2',
  'dynamodb:3',
  'sfn:StartExecution',
  'sfn:StopExecution',
  'sfn:SendTaskSuccess',
  'sfn:DescribeExecution',
  'secrets:CreateSecret',
  'secrets:ListSecrets',
  'secrets:DeleteSecret',
] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

const installed = new WeakSet<object>();
let dynamoCountdown = 0;

/** Shaped like the SDK's own service exceptions (`$fault`, `$metadata`), as a real failure would be. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
  readonly $fault = 'server';
  readonly $metadata = { httpStatusCode: 500 };
}

/** Adds the fault middleware to the process's DynamoDB client (once). */
export function installDynamoFaults(db: DynamoDBDocumentClient): void {
  if (installed.has(db.middlewareStack)) return;
  installed.add(db.middlewareStack);
  db.middlewareStack.add(
    (next) => async (args) => {
      if (dynamoCountdown > 0 && --dynamoCountdown === 0) throw new InjectedFault('Injected DynamoDB fault');
      return next(args);
    },
    { step: 'initialize', name: 'onrampFaultInjection' },
  );
}

/** Arms one fault; `clearFaults` disarms whatever did not fire. */
export function injectFault(stack: LocalStack, target: FaultTarget): void {
  const [service, op] = target.split(':') as [string, string];
  if (service === 'dynamodb') dynamoCountdown = Number(op);
  else if (service === 'sfn') stack.stepFunctions.faults.set(op, 1);
  else stack.secrets.faults.set(op, 1);
}

export function clearFaults(stack: LocalStack): void {
  dynamoCountdown = 0;
  stack.stepFunctions.faults.clear();
  stack.secrets.faults.clear();
}
