/**
 * An execution's history, as Step Functions' GetExecutionHistory reports it,
 * from what can be observed locally: the executor's own event log
 * (aws-local-stepfunctions: execution started and ended, each state entered,
 * exited, failed or retried) and what the local Task overrides see (the
 * function scheduled, started and answered, the task token submitted and
 * settled). Nothing is invented: a Map or Parallel state's inner events, which
 * this definition has none of, are not recorded, and a task's time-out is
 * recorded from the state's failure, as the executor reports it.
 */

/** One event, in the shape of the SDK's `HistoryEvent` (timestamps in epoch seconds, as the JSON protocol sends them). */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** The executor's event log entries this history reads (aws-local-stepfunctions' `EventLog`). */
export interface ExecutorEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly Error?: string;
  readonly Cause?: unknown;
}

/** How a Task state's resource is reported: an integration (`lambda:invoke.waitForTaskToken`) or a function ARN. */
export interface TaskResource {
  /** `integration`: TaskScheduled, TaskStarted, ...; `function`: LambdaFunctionScheduled, ... */
  readonly kind: 'integration' | 'function';
  /** For an integration, the service (`lambda`); for a function, its ARN. */
  readonly resourceType: string;
  readonly resource: string;
  readonly timeoutInSeconds?: number;
}

type TaskOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

const data = (value: unknown) => JSON.stringify(value ?? null);

export class ExecutionHistory {
  private readonly list: HistoryEvent[] = [];
  /** Per Task state: attempts the executor entered (StateEntered or StateRetried), attempts it left, attempts whose outcome the override recorded. */
  private readonly entered = new Map<string, number>();
  private readonly left = new Map<string, number>();
  private readonly settled = new Map<string, number>();
  /** Per Task state: how many times the override ran; events of an attempt the executor has not yet reported entering wait here. */
  private readonly attempts = new Map<string, number>();
  private readonly pending = new Map<string, { attempt: number; add: () => void }[]>();

  constructor(
    private readonly resources: ReadonlyMap<string, TaskResource>,
    private readonly region: string,
    /** Why the execution was stopped (StopExecution's error and cause), read when the executor reports the abort. */
    private readonly stopReason: () => { error?: string; cause?: string },
  ) {}

  /** The events, oldest first. */
  get events(): readonly HistoryEvent[] {
    return this.list;
  }

  private add(type: string, details: Record<string, unknown> = {}, timestampMs = Date.now()): void {
    const id = this.list.length + 1;
    this.list.push({ id, previousEventId: id - 1, timestamp: timestampMs / 1000, type, ...details });
  }

  /** Records one entry of the executor's event log. */
  fromExecutor(e: ExecutorEvent): void {
    const state = e.state;
    switch (e.type) {
      case 'ExecutionStarted':
        return this.add('ExecutionStarted', { executionStartedEventDetails: { input: data(e.input), inputDetails: { truncated: false } } }, e.timestamp);
      case 'ExecutionSucceeded':
        return this.add('ExecutionSucceeded', { executionSucceededEventDetails: { output: data(e.output), outputDetails: { truncated: false } } }, e.timestamp);
      case 'ExecutionFailed':
        return this.add('ExecutionFailed', { executionFailedEventDetails: { error: String(e.Error ?? ''), cause: String(e.Cause ?? '') } }, e.timestamp);
      case 'ExecutionAborted': {
        const why = this.stopReason();
        return this.add('ExecutionAborted', { executionAbortedEventDetails: { ...(why.error ? { error: why.error } : {}), ...(why.cause ? { cause: why.cause } : {}) } }, e.timestamp);
      }
      case 'ExecutionTimeout':
        return this.add('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } }, e.timestamp);
      case 'StateEntered':
      case 'StateRetried': {
        if (!state) return;
        if (e.type === 'StateEntered') this.add(`${state.type}StateEntered`, { stateEnteredEventDetails: { name: state.name, input: data(state.input), inputDetails: { truncated: false } } }, e.timestamp);
        if (!this.resources.has(state.name)) return;
        const n = (this.entered.get(state.name) ?? 0) + 1;
        this.entered.set(state.name, n);
        const waiting = this.pending.get(state.name) ?? [];
        for (const p of waiting.filter((p) => p.attempt <= n)) p.add();
        this.pending.set(
          state.name,
          waiting.filter((p) => p.attempt > n),
        );
        return;
      }
      case 'StateFailed': {
        if (!state) return;
        const resource = this.resources.get(state.name);
        if (!resource) return;
        const n = this.entered.get(state.name) ?? 0;
        // The executor ended the attempt (its TimeoutSeconds, or an error) before the task reported an outcome.
        if ((this.settled.get(state.name) ?? 0) < n) {
          const error = String(e.Error ?? 'States.TaskFailed');
          const cause = String(e.Cause ?? '');
          this.add(...this.outcomeEvent(resource, error === 'States.Timeout' ? 'timed-out' : 'failed', { ok: false, error, cause }), e.timestamp);
          this.settled.set(state.name, n);
        }
        this.left.set(state.name, n);
        return;
      }
      case 'StateExited':
        if (!state) return;
        if (this.resources.has(state.name)) this.left.set(state.name, this.entered.get(state.name) ?? 0);
        // A Fail state is entered, never exited.
        if (state.type !== 'Fail') this.add(`${state.type}StateExited`, { stateExitedEventDetails: { name: state.name, output: data(state.output), outputDetails: { truncated: false } } }, e.timestamp);
        return;
      default:
        // StateCaught (the next state's entry says where it went) and Map or Parallel events (not in this definition).
        return;
    }
  }

  /**
   * Starts an attempt of a Task state, from its local override: the task is
   * scheduled and started. Returns the recorder of what happens to it next.
   */
  taskStarted(stateName: string, parameters: unknown): TaskAttempt {
    const resource = this.resources.get(stateName);
    if (!resource) throw new Error(`${stateName} is not a Task state`);
    const attempt = (this.attempts.get(stateName) ?? 0) + 1;
    this.attempts.set(stateName, attempt);
    const record = (add: () => void, outcome = false) => {
      if (attempt <= (this.left.get(stateName) ?? 0)) return; // the executor already left this attempt (a late token)
      const run = () => {
        add();
        if (outcome) this.settled.set(stateName, attempt);
      };
      if (attempt <= (this.entered.get(stateName) ?? 0)) run();
      else this.pending.set(stateName, [...(this.pending.get(stateName) ?? []), { attempt, add: run }]);
    };
    const at = Date.now();
    if (resource.kind === 'function') {
      record(() => this.add('LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: resource.resource, input: data(parameters), inputDetails: { truncated: false } } }, at));
      record(() => this.add('LambdaFunctionStarted', {}, at));
    } else {
      const id = { resourceType: resource.resourceType, resource: resource.resource };
      const timeout = resource.timeoutInSeconds !== undefined ? { timeoutInSeconds: resource.timeoutInSeconds } : {};
      record(() => this.add('TaskScheduled', { taskScheduledEventDetails: { ...id, region: this.region, parameters: data(parameters), ...timeout } }, at));
      record(() => this.add('TaskStarted', { taskStartedEventDetails: id }, at));
    }
    return {
      submitted: (response) => {
        const now = Date.now();
        record(() => this.add('TaskSubmitted', { taskSubmittedEventDetails: { resourceType: resource.resourceType, resource: resource.resource, output: data(response), outputDetails: { truncated: false } } }, now));
      },
      ended: (outcome) => {
        const now = Date.now();
        const how = outcome.ok ? 'succeeded' : outcome.error === 'States.Timeout' ? 'timed-out' : 'failed';
        record(() => this.add(...this.outcomeEvent(resource, how, outcome), now), true);
      },
    };
  }

  private outcomeEvent(resource: TaskResource, how: 'succeeded' | 'failed' | 'timed-out', outcome: TaskOutcome): [string, Record<string, unknown>] {
    const result = outcome.ok ? { output: data(outcome.output), outputDetails: { truncated: false } } : { error: outcome.error, cause: outcome.cause };
    if (resource.kind === 'function') {
      const type = { succeeded: 'LambdaFunctionSucceeded', failed: 'LambdaFunctionFailed', 'timed-out': 'LambdaFunctionTimedOut' }[how];
      const key = { succeeded: 'lambdaFunctionSucceededEventDetails', failed: 'lambdaFunctionFailedEventDetails', 'timed-out': 'lambdaFunctionTimedOutEventDetails' }[how];
      return [type, { [key]: result }];
    }
    const type = { succeeded: 'TaskSucceeded', failed: 'TaskFailed', 'timed-out': 'TaskTimedOut' }[how];
    const key = { succeeded: 'taskSucceededEventDetails', failed: 'taskFailedEventDetails', 'timed-out': 'taskTimedOutEventDetails' }[how];
    return [type, { [key]: { resourceType: resource.resourceType, resource: resource.resource, ...result } }];
  }
}

export interface TaskAttempt {
  /** A `.waitForTaskToken` task's function has answered: the task waits for its token. */
  submitted(response: unknown): void;
  /** The task's outcome: its result, or its error. */
  ended(outcome: TaskOutcome): void;
}

/** How a Task state's `Resource` is reported in the history. */
export function taskResource(resource: string, timeoutInSeconds?: number): TaskResource {
  const integration = /^arn:aws[a-z-]*:states:::([a-z0-9-]+):(.+)$/.exec(resource);
  const timeout = timeoutInSeconds !== undefined ? { timeoutInSeconds } : {};
  if (integration) return { kind: 'integration', resourceType: integration[1]!, resource: integration[2]!, ...timeout };
  return { kind: 'function', resourceType: 'lambda', resource, ...timeout };
}
