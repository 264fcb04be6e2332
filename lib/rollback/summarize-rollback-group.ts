// One state for a group of rollbacks (a release rolled back across clusters, in waves), as the
// rollback page's headline shows it: failed as soon as one failed, succeeded once all did,
// otherwise the least advanced state among the ones still running. Pure.
import type { RollbackView } from "./rollback-plan";

type State = RollbackView["state"];

const ORDER: State[] = ["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC", "SUCCEEDED"];

export type RollbackGroupSummary = {
  state: State;
  /** Nothing will change any more: the page can stop polling. */
  finished: boolean;
  counts: Partial<Record<State, number>>;
};

export function summarizeRollbackGroup(rollbacks: readonly Pick<RollbackView, "state">[]): RollbackGroupSummary {
  const counts: Partial<Record<State, number>> = {};
  for (const { state } of rollbacks) counts[state] = (counts[state] ?? 0) + 1;
  const active = rollbacks.filter(({ state }) => ORDER.indexOf(state) >= 0 && state !== "SUCCEEDED");
  let state: State;
  if (counts.FAILED) state = "FAILED";
  else if (rollbacks.length > 0 && counts.SUCCEEDED === rollbacks.length) state = "SUCCEEDED";
  else if (active.length > 0) state = active.reduce((least, rollback) => (ORDER.indexOf(rollback.state) < ORDER.indexOf(least) ? rollback.state : least), active[0]!.state);
  else if (counts.CANCELLED) state = "CANCELLED";
  else state = "SUCCEEDED";
  return { state, finished: active.length === 0, counts };
}

/** "waiting for sync" for WAITING_FOR_SYNC: the words the pages use for a state. */
export function describeRollbackState(state: State): string {
  return state.toLowerCase().replaceAll("_", " ");
}
