import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import {
  type DeploymentFacts,
  deploymentFactsOf,
  isTerminalPhase,
  mergeDeploymentFacts,
  operationKeyOf,
} from "@/lib/deployments/merge-deployment-observation";
import type { HealthStatus, OperationPhase } from "@/lib/generated/prisma/enums";
import { applicationSnapshot, at, image, minutes, realApplicationSnapshot, rollout } from "../../support/snapshot-builder";

const startedAt = new Date("2026-03-10T09:00:00.000Z");
const v1 = [image("velero", "v1.13.0")];
const v2 = [image("velero", "v1.14.0"), image("envoy", "1.30.2")];

const factsOf = (snapshot: ApplicationSnapshot): DeploymentFacts => {
  const facts = deploymentFactsOf(snapshot);
  if (!facts) throw new Error("snapshot has no operation");
  return facts;
};
/** Folds observations in delivery order, starting from nothing, as the recorder does. */
const fold = (snapshots: ApplicationSnapshot[]): DeploymentFacts => {
  const merged = snapshots.map(factsOf).reduce<DeploymentFacts | null>((current, incoming) => mergeDeploymentFacts(current, incoming), null);
  if (!merged) throw new Error("nothing to fold");
  return merged;
};

describe("deploymentFactsOf", () => {
  it("states the real fixture's finished operation", () => {
    expect(deploymentFactsOf(realApplicationSnapshot)).toEqual({
      operationKey: "2024-03-05T07:33:03.000Z",
      startedAt: new Date("2024-03-05T07:33:03Z"),
      phase: "SUCCEEDED",
      finishedAt: new Date("2024-03-05T07:33:04Z"),
      revision: "ea8759964626a583667a2bfd08f334ec2070040a",
      images: ["nginx:latest"],
      initiatedBy: "foo@example.com",
      automated: false,
      argoHistoryId: 23,
      message: "successfully synced (all tasks run)",
      lastHealth: "HEALTHY",
      lastHealthAt: new Date("2024-03-05T07:33:04Z"),
      healthyAt: new Date("2024-03-05T07:33:04Z"),
      degradedAt: null,
      observedAt: new Date("2024-03-05T07:33:04Z"),
    } satisfies DeploymentFacts);
  });

  it("has nothing to say about a snapshot without an operation", () => {
    expect(deploymentFactsOf(applicationSnapshot({ operation: undefined }))).toBeUndefined();
  });

  it("keys the operation by its start time", () => {
    expect(operationKeyOf(startedAt)).toBe("2026-03-10T09:00:00.000Z");
    const [running, succeeded] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24 });
    expect(factsOf(running!).operationKey).toBe(factsOf(succeeded!).operationKey);
  });

  it("takes the Argo CD history id only from the history entry of this operation", () => {
    const other = applicationSnapshot({ latestHistory: { id: 22, revision: "other", deployStartedAt: at(startedAt, -minutes(60)), deployedAt: startedAt } });
    expect(factsOf(other).argoHistoryId).toBeNull();
    // A history entry without deployStartedAt (older Argo CD) matches a succeeded operation by revision.
    const byRevision = applicationSnapshot({ latestHistory: { id: 23, revision: realApplicationSnapshot.operation!.revision, deployedAt: startedAt } });
    expect(factsOf(byRevision).argoHistoryId).toBe(23);
  });

  it("falls back to the synced revision when the operation names none", () => {
    const snapshot = applicationSnapshot({ operation: { phase: "RUNNING", startedAt, automated: true } });
    expect(factsOf(snapshot).revision).toBe("rev1");
  });

  it("sorts images", () => {
    expect(factsOf(applicationSnapshot({ images: [...v2] })).images).toEqual([...v2].sort());
  });

  it("calls healthy only a succeeded operation, and degraded only a finished one", () => {
    const [running] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24 });
    const degradedWhileRunning = { ...running!, health: { status: "DEGRADED" as const } };
    expect(factsOf(degradedWhileRunning)).toMatchObject({ lastHealth: "DEGRADED", degradedAt: null, healthyAt: null });
    const [, failed] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24, fails: true });
    expect(factsOf(failed!)).toMatchObject({ phase: "FAILED", lastHealth: "HEALTHY", healthyAt: null });
  });

  it("ranks phases: running and terminating are not terminal, the rest are", () => {
    expect((["RUNNING", "TERMINATING", "SUCCEEDED", "FAILED", "ERROR"] as const).map(isTerminalPhase)).toEqual([false, false, true, true, true]);
  });
});

describe("mergeDeploymentFacts: examples", () => {
  it("follows a sync from running through succeeded, degraded and healthy again", () => {
    const [running, succeeded, degraded, healthy] = rollout({
      startedAt,
      from: v1,
      to: v2,
      revision: "rev2",
      historyId: 24,
      initiatedBy: "alice@acme.dev",
      health: ["DEGRADED", "HEALTHY"],
    });
    const finishedAt = at(startedAt, minutes(2));

    expect(fold([running!])).toMatchObject({ phase: "RUNNING", images: v1, lastHealth: "PROGRESSING", finishedAt: null, argoHistoryId: null });
    expect(fold([running!, succeeded!])).toMatchObject({
      phase: "SUCCEEDED",
      finishedAt,
      images: [...v2].sort(),
      lastHealth: "PROGRESSING",
      healthyAt: null,
      degradedAt: null,
      argoHistoryId: 24,
    });
    expect(fold([running!, succeeded!, degraded!])).toMatchObject({ lastHealth: "DEGRADED", degradedAt: degraded!.observedAt, healthyAt: null });
    expect(fold([running!, succeeded!, degraded!, healthy!])).toEqual({
      operationKey: startedAt.toISOString(),
      startedAt,
      phase: "SUCCEEDED",
      finishedAt,
      revision: "rev2",
      images: [...v2].sort(),
      initiatedBy: "alice@acme.dev",
      automated: false,
      argoHistoryId: 24,
      message: "successfully synced (all tasks run)",
      lastHealth: "HEALTHY",
      lastHealthAt: healthy!.observedAt,
      // Recovered, but it was degraded first: both moments are kept.
      healthyAt: healthy!.observedAt,
      degradedAt: degraded!.observedAt,
      observedAt: healthy!.observedAt,
    } satisfies DeploymentFacts);
  });

  it("ends a failed sync FAILED with the old images and the failure message", () => {
    const [running, failed] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24, fails: true });
    expect(fold([running!, failed!])).toMatchObject({
      phase: "FAILED",
      finishedAt: at(startedAt, minutes(2)),
      images: v1,
      message: "one or more objects failed to apply, reason: admission webhook denied the request",
      healthyAt: null,
      argoHistoryId: null,
    });
  });

  it("keeps a terminal phase when a stale running report arrives after it", () => {
    const [running, succeeded] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24 });
    const staleRunning = { ...running!, observedAt: at(succeeded!.observedAt, minutes(5)) };
    expect(fold([succeeded!, staleRunning]).phase).toBe("SUCCEEDED");
    expect(fold([staleRunning, succeeded!]).phase).toBe("SUCCEEDED");
  });

  it("resolves conflicting terminal reports to the worst", () => {
    const [, succeeded] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24 });
    const [, failed] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24, fails: true });
    const errored = { ...failed!, operation: { ...failed!.operation!, phase: "ERROR" as const } };
    expect(fold([succeeded!, failed!]).phase).toBe("FAILED");
    expect(fold([failed!, succeeded!]).phase).toBe("FAILED");
    expect(fold([errored, failed!, succeeded!]).phase).toBe("ERROR");
  });

  it("keeps the earliest healthy and degraded moments whatever order they arrive in", () => {
    const [, , degraded1, healthy1, degraded2, healthy2] = rollout({
      startedAt,
      from: v1,
      to: v2,
      revision: "rev2",
      historyId: 24,
      health: ["DEGRADED", "HEALTHY", "DEGRADED", "HEALTHY"],
    });
    const merged = fold([healthy2!, degraded2!, healthy1!, degraded1!]);
    expect(merged).toMatchObject({ degradedAt: degraded1!.observedAt, healthyAt: healthy1!.observedAt });
    // Health itself is later-wins: the newest report is healthy.
    expect(merged).toMatchObject({ lastHealth: "HEALTHY", lastHealthAt: healthy2!.observedAt, observedAt: healthy2!.observedAt });
  });

  it("keeps the earliest finish and the highest history id", () => {
    const [, succeeded] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24 });
    const laterFinish = applicationSnapshot({
      ...succeeded!,
      operation: { ...succeeded!.operation!, finishedAt: at(startedAt, minutes(3)) },
      latestHistory: { ...succeeded!.latestHistory!, id: 25 },
      observedAt: at(startedAt, minutes(4)),
    });
    expect(fold([laterFinish, succeeded!])).toMatchObject({ finishedAt: at(startedAt, minutes(2)), argoHistoryId: 25 });
  });

  it("takes later-wins fields whole from the newer observation, nulls included", () => {
    const [, succeeded, healthy] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24, initiatedBy: "alice@acme.dev" });
    const newerWithoutMessage = applicationSnapshot({
      ...healthy!,
      operation: { ...healthy!.operation!, message: undefined },
      observedAt: at(healthy!.observedAt, minutes(1)),
    });
    expect(fold([succeeded!, newerWithoutMessage]).message).toBeNull();
    expect(fold([newerWithoutMessage, succeeded!]).message).toBeNull();
  });

  it("breaks a tie in observation time by content, not by arrival", () => {
    const [, , degraded] = rollout({ startedAt, from: v1, to: v2, revision: "rev2", historyId: 24, health: ["DEGRADED"] });
    const healthySameTime = { ...degraded!, health: { status: "HEALTHY" as const } };
    expect(fold([degraded!, healthySameTime])).toEqual(fold([healthySameTime, degraded!]));
  });
});

// ---------------------------------------------------------------- properties

/** Random observations of one sync operation, built as snapshots the way Argo CD reports them. */
const observation: fc.Arbitrary<ApplicationSnapshot> = fc
  .record({
    phase: fc.constantFrom<OperationPhase>("RUNNING", "TERMINATING", "SUCCEEDED", "FAILED", "ERROR"),
    // Few distinct times, so ties in observation time are common.
    observedAfter: fc.integer({ min: 0, max: 6 }),
    finishedAfter: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    health: fc.constantFrom<HealthStatus>("HEALTHY", "PROGRESSING", "DEGRADED", "MISSING", "UNKNOWN"),
    images: fc.constantFrom(v1, v2, []),
    revision: fc.constantFrom(undefined, "rev2", "rev3"),
    message: fc.constantFrom(undefined, "successfully synced (all tasks run)", "one or more objects failed to apply"),
    initiatedBy: fc.constantFrom(undefined, "alice@acme.dev", "bob@acme.dev"),
    historyId: fc.option(fc.integer({ min: 20, max: 26 }), { nil: undefined }),
  })
  .map(({ phase, observedAfter, finishedAfter, health, images, revision, message, initiatedBy, historyId }) =>
    applicationSnapshot({
      images,
      health: { status: health },
      sync: { status: "SYNCED", revision: "rev2" },
      operation: {
        phase,
        startedAt,
        finishedAt: finishedAfter === undefined ? undefined : at(startedAt, minutes(finishedAfter)),
        revision,
        initiatedBy,
        automated: initiatedBy === undefined,
        message,
      },
      latestHistory: historyId === undefined ? undefined : { id: historyId, revision, deployStartedAt: startedAt, deployedAt: startedAt },
      observedAt: at(startedAt, minutes(observedAfter)),
    }),
  );

/** A stream of observations, and the same stream delivered in another order with duplicates. */
const deliveries = fc.array(observation, { minLength: 1, maxLength: 8 }).chain((inOrder) =>
  fc
    .tuple(
      fc.shuffledSubarray(inOrder, { minLength: inOrder.length, maxLength: inOrder.length }),
      fc.array(fc.constantFrom(...inOrder), { maxLength: 4 }),
    )
    .chain(([shuffled, duplicates]) => {
      const withDuplicates = [...shuffled, ...duplicates];
      return fc
        .shuffledSubarray(withDuplicates, { minLength: withDuplicates.length, maxLength: withDuplicates.length })
        .map((delivered) => ({ inOrder, delivered }));
    }),
);

const facts = observation.map(factsOf);

describe("mergeDeploymentFacts: properties", () => {
  it("converges: any permutation of a stream, with duplicates, folds to the in-order result", () => {
    fc.assert(
      fc.property(deliveries, ({ inOrder, delivered }) => {
        expect(fold(delivered)).toEqual(fold(inOrder));
      }),
      { numRuns: 1000 },
    );
  });

  it("is idempotent: merging what is already merged changes nothing", () => {
    fc.assert(
      fc.property(facts, facts, (a, b) => {
        expect(mergeDeploymentFacts(a, a)).toEqual(a);
        const ab = mergeDeploymentFacts(a, b);
        expect(mergeDeploymentFacts(ab, b)).toEqual(ab);
        expect(mergeDeploymentFacts(ab, a)).toEqual(ab);
      }),
      { numRuns: 1000 },
    );
  });

  it("is commutative", () => {
    fc.assert(
      fc.property(facts, facts, (a, b) => {
        expect(mergeDeploymentFacts(a, b)).toEqual(mergeDeploymentFacts(b, a));
      }),
      { numRuns: 1000 },
    );
  });

  it("is associative", () => {
    fc.assert(
      fc.property(facts, facts, facts, (a, b, c) => {
        expect(mergeDeploymentFacts(mergeDeploymentFacts(a, b), c)).toEqual(mergeDeploymentFacts(a, mergeDeploymentFacts(b, c)));
      }),
      { numRuns: 1000 },
    );
  });

  it("starts from nothing: merging into null is the observation itself", () => {
    fc.assert(
      fc.property(facts, (a) => {
        expect(mergeDeploymentFacts(null, a)).toEqual(a);
      }),
    );
  });
});
