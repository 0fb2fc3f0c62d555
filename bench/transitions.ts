/**
 * Step Functions state transitions of an execution, counted from the
 * definition's states entered: the local Step Functions has no history, so
 * the path is walked from the execution's input, the task invocations seen
 * (each Task state entered invokes the task function; a retry is another
 * entry) and how the execution ended. Standard workflows bill each state
 * entered, retries included.
 */

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { Variable?: string; StringEquals?: string; Next: string }[];
  readonly Catch?: readonly { ErrorEquals: readonly string[]; Next: string }[];
  readonly Retry?: readonly unknown[];
}

export interface TaskSeen {
  /** The task function's action: `wait` (a step's task token), `pause` (timed out), `fail`. */
  readonly action: string;
  readonly failed: boolean;
}

const pathValue = (input: Record<string, unknown>, variable: string | undefined) =>
  variable?.startsWith('$.') ? input[variable.slice(2)] : undefined;

/** States entered by one execution. */
export function transitionsOf(
  definition: { StartAt?: string; States?: Record<string, State> },
  input: Record<string, unknown>,
  tasks: readonly TaskSeen[],
  status: string,
): number {
  const states = definition.States ?? {};
  let name: string | undefined = definition.StartAt;
  let entered = 0;
  let i = 0;
  for (let guard = 0; name && guard < 100; guard++) {
    const state: State | undefined = states[name];
    if (!state) break;
    if (state.Type === 'Task') {
      const seen = tasks[i];
      if (!seen) return entered; // not reached (stopped before), or still in flight
      entered++;
      i++;
      // Retries of a failed invocation are entries of the same state.
      let last = seen;
      while (last.failed && state.Retry && tasks[i]?.action === last.action) {
        last = tasks[i]!;
        entered++;
        i++;
      }
      const after = tasks[i];
      if (after && after.action !== 'wait') {
        // The step ended in a Catch: a timeout (pause) or any other error (fail).
        const wanted = after.action === 'pause' ? 'States.Timeout' : 'States.ALL';
        name = state.Catch?.find((c) => c.ErrorEquals.includes(wanted))?.Next;
        continue;
      }
      if (!after && status !== 'SUCCEEDED') return entered; // waiting, stopped or failed here
      name = state.End ? undefined : state.Next;
      continue;
    }
    entered++;
    if (state.Type === 'Choice') {
      name = state.Choices?.find((c) => c.StringEquals !== undefined && pathValue(input, c.Variable) === c.StringEquals)?.Next ?? state.Default;
    } else if (state.Type === 'Succeed' || state.Type === 'Fail') {
      return entered;
    } else {
      name = state.End ? undefined : state.Next;
    }
  }
  return entered;
}
