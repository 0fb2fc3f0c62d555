/**
 * A local Step Functions for the operations Onramp uses (StartExecution,
 * DescribeExecution, StopExecution, SendTaskSuccess, SendTaskFailure),
 * running the CDK-synthesized definition with aws-local-stepfunctions.
 *
 * The library has no per-task token, so `$$.Task.Token` resolves to a
 * placeholder; each `.waitForTaskToken` task mints a real token here and waits
 * for SendTaskSuccess / SendTaskFailure to settle it.
 */
import './polyfills.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { FunctionId } from '../shared/routes.js';
import { AwsError, type Operation } from './aws-protocol.js';
import type { LocalDefinition } from './definition.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './definition.js';

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
  private readonly machine: StateMachine;
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
    const states = (def.definition.States ?? {}) as Record<string, { Type: string }>;
    for (const [name, state] of Object.entries(states)) if (state.Type === 'Task') this.taskStates.push(name);
  }

  /** Executions, newest last (for tests). */
  list(): ReadonlyArray<Readonly<Omit<Execution, 'abort'>>> {
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
  ofAccount(accountId: string): ReadonlyArray<Readonly<Omit<Execution, 'abort'>>> {
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
          try {
            await this.invoke(this.functionOf(FunctionName), payload);
          } catch (err) {
            this.tasks.delete(token);
            execution.tokens.delete(token);
            throw asTaskFailure(err);
          }
          if (this.tasks.has(token)) {
            execution.waiting = true;
            execution.waitingStep = typeof Payload.step === 'string' ? Payload.step : undefined;
          }
          try {
            return await settled;
          } finally {
            execution.waiting = false;
          }
        };
      } else {
        handlers[name] = async (input) => {
          try {
            return await this.invoke(this.functionOf(resource), input);
          } catch (err) {
            throw asTaskFailure(err);
          }
        };
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
      const execution: Execution = { arn, name, input: rawInput, status: 'RUNNING', startDate, abort: () => undefined, tokens: new Set(), waiting: false };
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
  };

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

function asTaskFailure(err: unknown): Error {
  if (err instanceof Error) return new TaskFailure(err.name === 'Error' ? 'Error' : err.name, err.message);
  return new TaskFailure('Error', String(err));
}
