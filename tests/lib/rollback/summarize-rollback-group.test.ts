// The one state a rollback group shows: failed once any failed, succeeded once all did, else the
// least advanced of the running ones; finished only when nothing can change any more.
import { describe, expect, it } from "vitest";
import { summarizeRollbackGroup } from "@/lib/rollback/summarize-rollback-group";

const of = (...states: Parameters<typeof summarizeRollbackGroup>[0][number]["state"][]) => summarizeRollbackGroup(states.map((state) => ({ state })));

describe("summarizeRollbackGroup", () => {
  it("one rollback: its own state; finished once succeeded, failed or cancelled", () => {
    expect(of("REQUESTED")).toMatchObject({ state: "REQUESTED", finished: false });
    expect(of("WAITING_FOR_SYNC")).toMatchObject({ state: "WAITING_FOR_SYNC", finished: false });
    expect(of("SUCCEEDED")).toMatchObject({ state: "SUCCEEDED", finished: true });
    expect(of("FAILED")).toMatchObject({ state: "FAILED", finished: true });
    expect(of("CANCELLED")).toMatchObject({ state: "CANCELLED", finished: true });
  });

  it("waves: the least advanced running state until all succeeded", () => {
    expect(of("SUCCEEDED", "APPROVED", "APPROVED")).toMatchObject({ state: "APPROVED", finished: false, counts: { SUCCEEDED: 1, APPROVED: 2 } });
    expect(of("WAITING_FOR_SYNC", "EXECUTING")).toMatchObject({ state: "EXECUTING", finished: false });
    expect(of("SUCCEEDED", "SUCCEEDED")).toMatchObject({ state: "SUCCEEDED", finished: true });
  });

  it("a failure fails the group; it is finished only when nothing else still runs", () => {
    expect(of("FAILED", "CANCELLED", "CANCELLED")).toMatchObject({ state: "FAILED", finished: true });
    expect(of("FAILED", "WAITING_FOR_SYNC")).toMatchObject({ state: "FAILED", finished: false });
  });
});
