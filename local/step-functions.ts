/**
 * A local Step Functions for the operations Onramp uses (StartExecution,
 * DescribeExecution, StopExecution, SendTaskSuccess, SendTaskFailure) and
 * those the AWS CLI inspects with (ListStateMachines, DescribeStateMachine,
 * ListExecutions, GetExecutionHistory), running the CDK-synthesized
 * definition with aws-local-stepfunctions. Executions are kept in memory:
 * a restarted stack has none (the items in DynamoDB keep the wizard's state).
 *
 * The library has no per-task token, so `$$.Task.Token` resolves to a
 * placeholder; each `.waitForTaskToken` task mints a real token here and waits
 * for SendTaskSuccess / SendTaskFailure to settle it.
 */
import './polyfills.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { FunctionId } from '../shared/http/routes.js';
import { AwsError, type Operation } from './aws-protocol.js';
import type { LocalDefinition } from './definition.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './definition.js';
import { ExecutionHistory, taskResource, type ExecutorEvent, type HistoryEvent, type TaskAttempt, type TaskResource } from './execution-history.js';

const TOKEN_PLACEHOLDER = '__local_task_token__';

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Execution {
  arn: string;
  name: string;
  input: string;
  status: Status;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  tokens: Set<string>;
  waitingStep?: string;
  /** The step's task function has returned and the execution waits for its token. */
  waiting: boolean;
  history: ExecutionHistory;
}

interface PendingTask {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
}

export type Invoke = (id: FunctionId, event: unknown) => Promise<unknown>;

class TaskFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class LocalStepFunctions {
  readonly stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:OnrampWizard`;
  /** The local stack has no IAM: the role DescribeStateMachine names is a placeholder. */
  readonly roleArn = `arn:aws:iam::${LOCAL_ACCOUNT}:role/OnrampWizardLocal`;
  /** When the machine was "created": when this stack started. */
  private readonly creationDate = Date.now() / 1000;
  private readonly machine: StateMachine;
  private readonly resources = new Map<string, TaskResource>();
  private readonly executions = new Map<string, Execution>();
  /** Executions by the account their name starts with (`<accountId>-<n>`), and the running ones: tests ask often. */
  private readonly byAccount = new Map<string, Execution[]>();
  private readonly running = new Set<Execution>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly taskStates: string[] = [];
  /** Fails the next calls of an operation (for fault-injection tests). */
  readonly faults = new Map<string, number>();

  constructor(
    private readonly def: LocalDefinition,
    private readonly invoke: Invoke,
  ) {
    this.machine = new StateMachine(def.definition as never, { validationOptions: { checkPaths: false } } as never);
    const states = (def.definition.States ?? {}) as Record<string, { Type: string; Resource?: string; TimeoutSeconds?: number }>;
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      this.taskStates.push(name);
      this.resources.set(name, taskResource(String(state.Resource), state.TimeoutSeconds));
    }
  }

  /** Executions, newest last (for tests). */
  list(): ReadonlyArray<Readonly<Omit<Execution, 'abort' | 'history'>>> {
    return [...this.executions.values()];
  }

  /** Settles when every running execution has ended (for tests and shutdown). */
  async stopAll(): Promise<void> {
    for (const e of [...this.running]) this.finish(e, 'ABORTED');
  }

  /**
   * True when every running execution is waiting for a task token: nothing is
   * in flight, so what the items say and what the executions wait for can be compared.
   */
  settled(): boolean {
    for (const e of this.running) if (!e.waiting) return false;
    return true;
  }

  /** The executions of one account (named `<accountId>-<n>`), for tests. */
  ofAccount(accountId: string): ReadonlyArray<Readonly<Omit<Execution, 'abort' | 'history'>>> {
    return this.byAccount.get(accountId) ?? [];
  }

  /** The step a running execution waits at (from its task token's payload), for tests. */
  waitingStep(executionArn: string): string | undefined {
    const e = this.executions.get(executionArn);
    if (!e || e.status !== 'RUNNING' || !e.waiting) return undefined;
    return e.waitingStep;
  }

  /** Lets the waiting task of an execution time out now, as if its step's limit had passed. */
  timeOut(executionArn: string): boolean {
    const e = this.executions.get(executionArn);
    if (!e || e.status !== 'RUNNING') return false;
    let fired = false;
    for (const token of e.tokens) {
      const task = this.tasks.get(token);
      if (!task) continue;
      this.tasks.delete(token);
      e.tokens.delete(token);
      task.reject(new TaskFailure('States.Timeout', 'Task timed out'));
      fired = true;
    }
    return fired;
  }

  private guard(op: string): void {
    const n = this.faults.get(op) ?? 0;
    if (n > 0) {
      this.faults.set(op, n - 1);
      throw new AwsError('InjectedFault', 'Injected fault', 400);
    }
  }

  private functionOf(resource: string): FunctionId {
    const id = this.def.functions.get(resource);
    if (!id) throw new TaskFailure('Lambda.ResourceNotFoundException', `No local function for ${resource}`);
    return id;
  }

  private overrides(execution: Execution) {
    const states = (this.def.definition.States ?? {}) as Record<string, { Resource: string }>;
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const name of this.taskStates) {
      const resource = states[name]!.Resource;
      if (resource.endsWith('.waitForTaskToken')) {
        handlers[name] = async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
          const token = `local-${randomBytes(24).toString('base64url')}`;
          const settled = new Promise<unknown>((resolve, reject) => {
            this.tasks.set(token, { executionArn: execution.arn, resolve, reject });
          });
          execution.tokens.add(token);
          const payload = JSON.parse(JSON.stringify(Payload).replaceAll(TOKEN_PLACEHOLDER, token)) as unknown;
          const attempt = execution.history.taskStarted(name, { FunctionName, Payload: payload });
          let response: unknown;
          try {
            response = await this.invoke(this.functionOf(FunctionName), payload);
          } catch (err) {
            this.tasks.delete(token);
            execution.tokens.delete(token);
            throw endedWith(attempt, err);
          }
          // What Lambda's Invoke answers: the history's TaskSubmitted shows it, as in the cloud.
          attempt.submitted({ ExecutedVersion: '$LATEST', Payload: response ?? null, StatusCode: 200 });
          if (this.tasks.has(token)) {
            execution.waiting = true;
            execution.waitingStep = typeof Payload.step === 'string' ? Payload.step : undefined;
          }
          try {
            return (await recorded(attempt, () => settled)) as never;
          } finally {
            execution.waiting = false;
          }
        };
      } else {
        handlers[name] = async (input) => recorded(execution.history.taskStarted(name, input), () => this.invoke(this.functionOf(resource), input)) as never;
      }
    }
    return handlers;
  }

  private finish(e: Execution, status: Status, output?: unknown, error?: { name: string; message: string }): void {
    if (e.status !== 'RUNNING') return;
    e.status = status;
    this.running.delete(e);
    e.stopDate = Date.now() / 1000;
    if (output !== undefined) e.output = JSON.stringify(output);
    if (error) {
      e.error = error.name;
      e.cause = error.message;
    }
    if (status === 'ABORTED') e.abort();
    for (const t of e.tokens) this.tasks.delete(t);
  }

  readonly operations: Record<string, Operation> = {
    StartExecution: async (input) => {
      this.guard('StartExecution');
      if (input.stateMachineArn !== this.stateMachineArn) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(input.stateMachineArn)}'`);
      const name = typeof input.name === 'string' ? input.name : randomUUID();
      const arn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:OnrampWizard:${name}`;
      const existing = this.executions.get(arn);
      if (existing) {
        if (existing.input === input.input && existing.status === 'RUNNING') return { executionArn: arn, startDate: existing.startDate };
        throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
      }
      const rawInput = typeof input.input === 'string' ? input.input : '{}';
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawInput);
      } catch {
        throw new AwsError('InvalidExecutionInput', 'Invalid execution input');
      }
      const startDate = Date.now() / 1000;
      const execution: Execution = {
        arn,
        name,
        input: rawInput,
        status: 'RUNNING',
        startDate,
        abort: () => undefined,
        tokens: new Set(),
        waiting: false,
        history: new ExecutionHistory(this.resources, LOCAL_REGION, () => ({
          ...(execution.error ? { error: execution.error } : {}),
          ...(execution.cause ? { cause: execution.cause } : {}),
        })),
      };
      this.executions.set(arn, execution);
      this.running.add(execution);
      const owner = name.replace(/-\d+$/, '');
      this.byAccount.set(owner, [...(this.byAccount.get(owner) ?? []), execution]);
      const run = this.machine.run(parsed as never, {
        overrides: { taskResourceLocalHandlers: this.overrides(execution) },
        noThrowOnAbort: true,
        context: {
          Execution: { Id: arn, Name: name, Input: parsed, StartTime: new Date(startDate * 1000).toISOString() },
          StateMachine: { Id: this.stateMachineArn, Name: 'OnrampWizard' },
          Task: { Token: TOKEN_PLACEHOLDER },
        },
      } as never);
      execution.abort = run.abort;
      void (async () => {
        for await (const event of run.eventLogs as AsyncGenerator<ExecutorEvent>) execution.history.fromExecutor(event);
      })();
      run.result.then(
        (output: unknown) => this.finish(execution, 'SUCCEEDED', output),
        (err: unknown) => {
          const e = err as Error;
          this.finish(execution, 'FAILED', undefined, { name: e?.name ?? 'Error', message: e?.message ?? String(err) });
        },
      );
      return { executionArn: arn, startDate };
    },
    DescribeExecution: async (input) => {
      this.guard('DescribeExecution');
      const e = this.executions.get(String(input.executionArn));
      if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
      return {
        executionArn: e.arn,
        stateMachineArn: this.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate !== undefined ? { stopDate: e.stopDate } : {}),
        input: e.input,
        ...(e.output !== undefined ? { output: e.output } : {}),
        ...(e.error ? { error: e.error, cause: e.cause } : {}),
      };
    },
    StopExecution: async (input) => {
      this.guard('StopExecution');
      const e = this.executions.get(String(input.executionArn));
      if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
      this.finish(e, 'ABORTED', undefined, { name: String(input.error ?? ''), message: String(input.cause ?? '') });
      return { stopDate: e.stopDate };
    },
    SendTaskSuccess: async (input) => {
      this.guard('SendTaskSuccess');
      const task = this.takeTask(input.taskToken);
      let output: unknown;
      try {
        output = JSON.parse(String(input.output ?? ''));
      } catch {
        throw new AwsError('InvalidOutput', 'Invalid output');
      }
      task.resolve(output);
      return {};
    },
    SendTaskFailure: async (input) => {
      this.guard('SendTaskFailure');
      const task = this.takeTask(input.taskToken);
      task.reject(new TaskFailure(String(input.error ?? 'TaskFailed'), String(input.cause ?? '')));
      return {};
    },
    ListStateMachines: async (input) => {
      this.guard('ListStateMachines');
      const machines = [{ stateMachineArn: this.stateMachineArn, name: 'OnrampWizard', type: 'STANDARD', creationDate: this.creationDate }];
      return page(machines, input, 'ListStateMachines', (m) => m.stateMachineArn, 'stateMachines');
    },
    DescribeStateMachine: async (input) => {
      this.guard('DescribeStateMachine');
      this.machineOf(input.stateMachineArn);
      return {
        stateMachineArn: this.stateMachineArn,
        name: 'OnrampWizard',
        status: 'ACTIVE',
        definition: JSON.stringify(this.def.definition),
        roleArn: this.roleArn,
        type: 'STANDARD',
        creationDate: this.creationDate,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
    ListExecutions: async (input) => {
      this.guard('ListExecutions');
      if (input.mapRunArn !== undefined) throw new AwsError('ValidationException', 'This state machine has no Map Run: list its executions by stateMachineArn');
      if (input.stateMachineArn === undefined) throw new AwsError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
      this.machineOf(input.stateMachineArn);
      const filter = input.statusFilter;
      if (filter !== undefined && !(typeof filter === 'string' && EXECUTION_STATUSES.has(filter))) {
        throw new AwsError('ValidationException', `1 validation error detected: Value '${String(filter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${[...EXECUTION_STATUSES].join(', ')}]`);
      }
      // Most recent first, as AWS lists them; the page token names the last execution listed, so new ones do not shift the pages.
      const newestFirst = [...this.executions.values()].reverse();
      return page(newestFirst, input, `ListExecutions ${this.stateMachineArn} ${String(filter ?? '')}`, (e) => e.arn, 'executions', (e) => filter === undefined || e.status === filter, (e) => ({
        executionArn: e.arn,
        stateMachineArn: this.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate !== undefined ? { stopDate: e.stopDate } : {}),
      }));
    },
    GetExecutionHistory: async (input) => {
      this.guard('GetExecutionHistory');
      const e = this.executionOf(input.executionArn);
      // The executor's event log is read as it is written, a few microtasks behind: let it catch up.
      await new Promise((resolve) => setImmediate(resolve));
      const reverse = input.reverseOrder === true;
      const withData = input.includeExecutionData !== false;
      const events = reverse ? [...e.history.events].reverse() : e.history.events;
      return page(events, input, `GetExecutionHistory ${e.arn} ${reverse}`, (h) => String(h.id), 'events', undefined, withData ? undefined : withoutData);
    },
  };

  /** The one state machine, or the error AWS answers for an ARN that is malformed or names another. */
  private machineOf(arn: unknown): void {
    if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    if (arn !== this.stateMachineArn) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }

  private executionOf(arn: unknown): Execution {
    if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    const e = this.executions.get(arn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private takeTask(token: unknown): PendingTask {
    const task = typeof token === 'string' ? this.tasks.get(token) : undefined;
    if (!task) throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
    const execution = this.executions.get(task.executionArn);
    if (!execution || execution.status !== 'RUNNING') throw new AwsError('TaskTimedOut', 'Task Timed Out');
    this.tasks.delete(token as string);
    execution.tokens.delete(token as string);
    return task;
  }
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_.-]{1,80}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_.-]{1,80}:[^:\s]{1,80}$/;
const EXECUTION_STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

/** `maxResults` as AWS reads it: 0 or absent is 100, at most 1000. */
function pageSize(input: Record<string, unknown>): number {
  const n = input.maxResults ?? 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1000) {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${String(n)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  return n === 0 ? 100 : n;
}

/**
 * One page of `items` (in the order they are listed), after the item the
 * request's `nextToken` names. The token is opaque to callers: it names the
 * query it belongs to and the last item given, and any other token, or one
 * from another query, is an InvalidToken as in AWS.
 */
function page<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  query: string,
  keyOf: (item: T) => string,
  field: string,
  keep: (item: T) => boolean = () => true,
  show: (item: T) => unknown = (item) => item,
): Record<string, unknown> {
  const size = pageSize(input);
  let start = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    const token = String(input.nextToken);
    let after: string | undefined;
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { q?: unknown; after?: unknown };
      if (parsed.q === query && typeof parsed.after === 'string') after = parsed.after;
    } catch {
      // not one of ours
    }
    const at = after === undefined ? -1 : items.findIndex((i) => keyOf(i) === after);
    if (at < 0) throw new AwsError('InvalidToken', `Invalid Token: '${token.slice(0, 64)}'`);
    start = at + 1;
  }
  const rest = items.slice(start).filter(keep);
  const chosen = rest.slice(0, size);
  const last = chosen.at(-1);
  return {
    [field]: chosen.map(show),
    ...(rest.length > size && last !== undefined ? { nextToken: Buffer.from(JSON.stringify({ q: query, after: keyOf(last) })).toString('base64url') } : {}),
  };
}

/** A history event without the execution's data (`includeExecutionData: false`): no input or output. */
function withoutData(event: HistoryEvent): HistoryEvent {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const { input: _input, inputDetails: _inputDetails, output: _output, outputDetails: _outputDetails, ...rest } = value as Record<string, unknown>;
    copy[key] = rest;
  }
  return copy as HistoryEvent;
}

/** Records a task attempt's failure in the history, as Step Functions names it; answers the failure to throw. */
function endedWith(attempt: TaskAttempt, err: unknown): Error {
  const failure = asTaskFailure(err);
  attempt.ended({ ok: false, error: failure.name, cause: failure.message });
  return failure;
}

/** Runs a task attempt's work, recording how it ended in the history. */
async function recorded<T>(attempt: TaskAttempt, work: () => Promise<T>): Promise<T> {
  let output: T;
  try {
    output = await work();
  } catch (err) {
    throw endedWith(attempt, err);
  }
  attempt.ended({ ok: true, output });
  return output;
}

function asTaskFailure(err: unknown): Error {
  if (err instanceof Error) return new TaskFailure(err.name === 'Error' ? 'Error' : err.name, err.message);
  return new TaskFailure('Error', String(err));
}
