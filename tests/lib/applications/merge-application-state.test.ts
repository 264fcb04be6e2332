import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ApplicationState, applicationStateOf, supersedes } from "@/lib/applications/merge-application-state";
import { applicationSnapshot, at, image, minutes, realApplicationSnapshot } from "../../support/snapshot-builder";

describe("applicationStateOf", () => {
  it("reduces the real fixture to the application's current state", () => {
    expect(applicationStateOf(realApplicationSnapshot)).toEqual({
      syncStatus: "SYNCED",
      healthStatus: "HEALTHY",
      syncedRevision: "rev1",
      images: ["nginx:latest"],
      autoSync: false,
      repoUrl: "https://github.com/foo/manifests-velero.git",
      path: "instances/test",
      manifestGeneratePaths: ".;/chart",
      chart: null,
      targetRevision: "test-lla",
      sources: [],
      destinationNamespace: "test-lla",
      project: "sre",
      lastOperationPhase: "SUCCEEDED",
      lastOperationAt: new Date("2024-03-05T07:33:04Z"),
      observedAt: new Date("2024-03-05T07:33:04Z"),
    } satisfies ApplicationState);
  });

  it("sorts images, so the same set reported in another order is the same state", () => {
    const a = applicationStateOf(applicationSnapshot({ images: [image("velero", "v1"), image("envoy", "1.30")] }));
    const b = applicationStateOf(applicationSnapshot({ images: [image("envoy", "1.30"), image("velero", "v1")] }));
    expect(a.images).toEqual([image("envoy", "1.30"), image("velero", "v1")]);
    expect(a).toEqual(b);
  });

  it("dates a running operation by its start, a finished one by its end, and no operation as null", () => {
    const startedAt = new Date("2024-03-05T07:33:03Z");
    const running = applicationSnapshot({ operation: { phase: "RUNNING", startedAt, automated: true } });
    expect(applicationStateOf(running)).toMatchObject({ lastOperationPhase: "RUNNING", lastOperationAt: startedAt });
    expect(applicationStateOf(applicationSnapshot({ operation: undefined }))).toMatchObject({ lastOperationPhase: null, lastOperationAt: null });
  });
});

describe("supersedes", () => {
  const state = (overrides: Partial<ApplicationState> = {}): ApplicationState => ({ ...applicationStateOf(realApplicationSnapshot), ...overrides });
  const t0 = realApplicationSnapshot.observedAt;

  it("takes any state when nothing is known yet", () => {
    expect(supersedes(null, state())).toBe(true);
  });

  it("lets a later observation replace an earlier one, never the reverse", () => {
    const earlier = state({ healthStatus: "DEGRADED" });
    const later = state({ healthStatus: "HEALTHY", observedAt: at(t0, 1) });
    expect(supersedes(earlier, later)).toBe(true);
    expect(supersedes(later, earlier)).toBe(false);
  });

  it("does not re-apply the same observation", () => {
    expect(supersedes(state(), state())).toBe(false);
  });

  it("breaks a tie in time by content, the same way from either side", () => {
    const healthy = state({ healthStatus: "HEALTHY" });
    const degraded = state({ healthStatus: "DEGRADED" });
    expect(supersedes(healthy, degraded)).not.toBe(supersedes(degraded, healthy));
  });

  // Same-time observations that differ in any field must still resolve one way, or the state
  // kept would depend on which arrived first.
  it("orders every pair of different states observed at the same time, whichever field differs", () => {
    const variants: Partial<ApplicationState>[] = [
      { syncStatus: "OUT_OF_SYNC" },
      { healthStatus: "DEGRADED" },
      { syncedRevision: "rev2" },
      { images: [image("velero", "v2")] },
      { autoSync: true },
      { repoUrl: "https://github.com/foo/manifests-velero-2.git" },
      { path: "instances/prod" },
      { manifestGeneratePaths: "." },
      { chart: "velero" },
      { targetRevision: "main" },
      { sources: [{ repoUrl: "https://charts.example.com", path: null, chart: "velero", targetRevision: "5.0.0", ref: null, name: null, syncedRevision: "5.0.0" }] },
      { destinationNamespace: "velero" },
      { project: "platform" },
      { lastOperationPhase: "FAILED" },
      { lastOperationAt: at(t0, -minutes(1)) },
    ];
    for (const variant of variants) {
      const a = state();
      const b = state(variant);
      expect([supersedes(a, b), supersedes(b, a)], JSON.stringify(variant)).toContain(true);
    }
  });

  it("is a strict total order over random states: any delivery order keeps the same state", () => {
    // Few values per field, so same-time observations that differ in one field are common.
    const arbitraryState = fc.record({
      syncStatus: fc.constantFrom("SYNCED", "OUT_OF_SYNC"),
      healthStatus: fc.constantFrom("HEALTHY", "DEGRADED"),
      syncedRevision: fc.constantFrom(null, "rev1"),
      images: fc.constantFrom([], [image("velero", "v1")]),
      autoSync: fc.boolean(),
      repoUrl: fc.constantFrom(null, "https://github.com/foo/manifests-velero.git"),
      path: fc.constantFrom(null, "instances/test"),
      manifestGeneratePaths: fc.constantFrom(null, "."),
      chart: fc.constantFrom(null, "velero"),
      targetRevision: fc.constantFrom(null, "main"),
      sources: fc.constantFrom([], [{ repoUrl: "https://charts.example.com", path: null, chart: "velero", targetRevision: "5.0.0", ref: null, name: null, syncedRevision: null }]),
      destinationNamespace: fc.constantFrom(null, "test-lla"),
      project: fc.constantFrom("sre", "default"),
      lastOperationPhase: fc.constantFrom(null, "SUCCEEDED"),
      lastOperationAt: fc.constantFrom(null, t0),
      observedAt: fc.constantFrom(t0, at(t0, 1000)),
    }) as fc.Arbitrary<ApplicationState>;
    const newest = (states: ApplicationState[]) =>
      states.reduce<ApplicationState | null>((current, incoming) => (supersedes(current, incoming) ? incoming : current), null);

    fc.assert(
      fc.property(fc.array(arbitraryState, { minLength: 1, maxLength: 6 }).chain((states) =>
        fc.tuple(fc.constant(states), fc.shuffledSubarray(states, { minLength: states.length, maxLength: states.length })),
      ), ([states, shuffled]) => {
        expect(newest(shuffled)).toEqual(newest(states));
      }),
      { numRuns: 1000 },
    );
  });
});
