import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { applicationDeletionRequestedAt, parseApplication } from "@/lib/argocd/parse-application";
import { realApplicationSnapshot } from "../../support/snapshot-builder";

const fixtures = path.resolve(import.meta.dirname, "../../fixtures/argocd");
type Json = Record<string, any>;
const real = parseYaml(await readFile(path.join(fixtures, "application-real.yaml"), "utf8")) as Json;
/** A copy of the real Application to vary. */
const app = (): Json => structuredClone(real);

/** The error message parseApplication throws, flattened as the worker stores it. */
function parseError(object: unknown): string {
  try {
    parseApplication(object, "argocd");
  } catch (error) {
    expect(error).toBeInstanceOf(z.ZodError);
    return z.prettifyError(error as z.ZodError);
  }
  throw new Error("parseApplication accepted the object");
}

describe("parseApplication: the real Application", () => {
  it("reads application-real.yaml into exactly the snapshot the domain tests are built on", () => {
    expect(parseApplication(real, "argocd")).toEqual(realApplicationSnapshot);
  });

  it("reads the same object from its JSON rendering ({{toJson .app}})", async () => {
    const json = JSON.parse(await readFile(path.join(fixtures, "application-real.json"), "utf8"));
    expect(parseApplication(json, "argocd")).toEqual(parseApplication(real, "argocd"));
  });

  it("keeps Argo CD's manifest-generate-paths annotation and no other annotation", () => {
    const object = app();
    object.metadata.annotations = {
      "argocd.argoproj.io/manifest-generate-paths": ".;/libs/money",
      "kubectl.kubernetes.io/last-applied-configuration": "{\"huge\":true}",
    };
    const snapshot = parseApplication(object, "argocd");
    expect(snapshot.manifestGeneratePaths).toBe(".;/libs/money");
    expect(JSON.stringify(snapshot)).not.toContain("last-applied-configuration");
    object.metadata.annotations = { "argocd.argoproj.io/manifest-generate-paths": "  " };
    expect(parseApplication(object, "argocd").manifestGeneratePaths).toBeUndefined();
  });

  it("takes the instance from the notification, not from the object", () => {
    expect(parseApplication(real, "prod-eu").instance).toBe("prod-eu");
  });
});

describe("parseApplication: optional parts may be absent", () => {
  it("an application just created: no status at all", () => {
    const created = app();
    delete created.status;
    const snapshot = parseApplication(created, "argocd");
    expect(snapshot).toMatchObject({
      sync: { status: "UNKNOWN" },
      health: { status: "UNKNOWN" },
      images: [],
      operation: undefined,
      latestHistory: undefined,
      // The only timestamp left: when the API server created the object.
      observedAt: new Date("2024-03-04T21:30:33Z"),
    });
  });

  it("no status.resources, summary, history or operation: the rest is still read", () => {
    const trimmed = app();
    for (const key of ["resources", "summary", "history", "operationState"]) delete trimmed.status[key];
    const snapshot = parseApplication(trimmed, "argocd");
    expect(snapshot.images).toEqual([]);
    expect(snapshot.operation).toBeUndefined();
    expect(snapshot.sync).toEqual({ status: "SYNCED", revision: "rev1" });
    expect(snapshot.observedAt).toEqual(new Date("2024-03-05T07:33:04Z"));
  });

  it("no labels, owner or uid; default project", () => {
    const bare = app();
    delete bare.metadata.labels;
    delete bare.metadata.ownerReferences;
    delete bare.metadata.uid;
    bare.spec.project = "";
    const snapshot = parseApplication(bare, "argocd");
    expect(snapshot).toMatchObject({ labels: {}, applicationSet: undefined, uid: undefined, project: "default" });
  });

  it("statuses Argo CD may add later read as UNKNOWN rather than failing", () => {
    const odd = app();
    odd.status.health.status = "Hibernating";
    odd.status.sync.status = "Pending";
    expect(parseApplication(odd, "argocd")).toMatchObject({ sync: { status: "UNKNOWN" }, health: { status: "UNKNOWN" } });
  });

  it("a malformed old history entry is skipped, the newest valid one is used", () => {
    const odd = app();
    odd.status.history.push({ id: "twenty-four", deployedAt: "yesterday" });
    expect(parseApplication(odd, "argocd").latestHistory?.id).toBe(23);
  });
});

describe("parseApplication: mapping Argo CD's fields", () => {
  it("maps every health, sync and operation phase string", () => {
    const pairs = [
      ["Healthy", "HEALTHY"], ["Progressing", "PROGRESSING"], ["Degraded", "DEGRADED"],
      ["Suspended", "SUSPENDED"], ["Missing", "MISSING"], ["Unknown", "UNKNOWN"],
    ] as const;
    for (const [argo, shiplog] of pairs) {
      const variant = app();
      variant.status.health.status = argo;
      expect(parseApplication(variant, "argocd").health.status).toBe(shiplog);
    }
    for (const [argo, shiplog] of [["Synced", "SYNCED"], ["OutOfSync", "OUT_OF_SYNC"], ["Unknown", "UNKNOWN"]] as const) {
      const variant = app();
      variant.status.sync.status = argo;
      expect(parseApplication(variant, "argocd").sync.status).toBe(shiplog);
    }
    const phases = [["Running", "RUNNING"], ["Terminating", "TERMINATING"], ["Succeeded", "SUCCEEDED"], ["Failed", "FAILED"], ["Error", "ERROR"]] as const;
    for (const [argo, shiplog] of phases) {
      const variant = app();
      variant.status.operationState.phase = argo;
      expect(parseApplication(variant, "argocd").operation?.phase).toBe(shiplog);
    }
  });

  it("a running sync: no finish time, the revision it asked for", () => {
    const running = app();
    const state = running.status.operationState;
    state.phase = "Running";
    state.startedAt = "2024-03-05T08:00:00Z";
    delete state.finishedAt;
    delete state.syncResult;
    state.operation.sync.revision = "b".repeat(40);
    running.status.reconciledAt = "2024-03-05T07:59:00Z";
    const snapshot = parseApplication(running, "argocd");
    expect(snapshot.operation).toMatchObject({ phase: "RUNNING", finishedAt: undefined, revision: "b".repeat(40) });
    // The operation's start is the newest timestamp the object carries.
    expect(snapshot.observedAt).toEqual(new Date("2024-03-05T08:00:00Z"));
  });

  it("an automated sync names no user; automated sync policies are recognised", () => {
    const automated = app();
    automated.status.operationState.operation.initiatedBy = { automated: true };
    automated.spec.syncPolicy.automated = { prune: true, selfHeal: true };
    const snapshot = parseApplication(automated, "argocd");
    expect(snapshot.operation).toMatchObject({ automated: true, initiatedBy: undefined });
    expect(snapshot.autoSync).toBe(true);

    automated.spec.syncPolicy.automated = { enabled: false, prune: true };
    expect(parseApplication(automated, "argocd").autoSync).toBe(false);
  });

  it("multi-source applications: the first source with a repository, and the first revision", () => {
    const multi = app();
    delete multi.spec.source;
    multi.spec.sources = [
      { repoURL: "https://charts.example.com", chart: "velero", targetRevision: "5.1.0", helm: { valueFiles: ["$values/velero.yaml"] } },
      { repoURL: "https://github.com/foo/values.git", targetRevision: "main", ref: "values" },
    ];
    multi.status.sync = { status: "Synced", revisions: ["5.1.0", "c".repeat(40)] };
    multi.status.operationState.syncResult = { revisions: ["5.1.0", "c".repeat(40)] };
    const snapshot = parseApplication(multi, "argocd");
    expect(snapshot.source).toEqual({ repoUrl: "https://charts.example.com", chart: "velero", targetRevision: "5.1.0", path: undefined });
    expect(snapshot.sync.revision).toBe("5.1.0");
    expect(snapshot.operation?.revision).toBe("5.1.0");
  });

  it("observedAt is the newest timestamp: a reconcile after the sync finished", () => {
    const later = app();
    later.status.reconciledAt = "2024-03-05T09:15:00Z";
    expect(parseApplication(later, "argocd").observedAt).toEqual(new Date("2024-03-05T09:15:00Z"));
  });

  it("observedAt is the newest timestamp: a sync that finished after the last reconcile", () => {
    const earlier = app();
    earlier.status.reconciledAt = "2024-03-05T07:00:00Z";
    expect(parseApplication(earlier, "argocd").observedAt).toEqual(new Date("2024-03-05T07:33:04Z"));
  });

  it("deletion: the requested time is read, and counts as an observation time", () => {
    const deleting = app();
    deleting.metadata.deletionTimestamp = "2024-03-06T10:00:00Z";
    expect(applicationDeletionRequestedAt(deleting)).toEqual(new Date("2024-03-06T10:00:00Z"));
    expect(parseApplication(deleting, "argocd").observedAt).toEqual(new Date("2024-03-06T10:00:00Z"));
    expect(applicationDeletionRequestedAt(real)).toBeUndefined();
  });
});

describe("parseApplication: what is required", () => {
  it("metadata.name and metadata.namespace", () => {
    const nameless = app();
    delete nameless.metadata.name;
    expect(parseError(nameless)).toMatch(/metadata\.name/);
    const homeless = app();
    homeless.metadata.namespace = "";
    expect(parseError(homeless)).toMatch(/metadata\.namespace/);
  });

  it("spec", () => {
    const specless = app();
    delete specless.spec;
    expect(parseError(specless)).toMatch(/spec/);
  });

  it("an operation's phase and start time, and a phase Argo CD defines", () => {
    const unstarted = app();
    delete unstarted.status.operationState.startedAt;
    expect(parseError(unstarted)).toMatch(/status\.operationState\.startedAt/);
    const odd = app();
    odd.status.operationState.phase = "Paused";
    expect(parseError(odd)).toMatch(/status\.operationState\.phase/);
  });

  it("timestamps in RFC 3339", () => {
    const garbled = app();
    garbled.status.reconciledAt = "5 March 2024";
    expect(parseError(garbled)).toMatch(/status\.reconciledAt/);
  });

  it("some timestamp to order the observation by", () => {
    const timeless = app();
    delete timeless.status;
    delete timeless.metadata.creationTimestamp;
    expect(parseError(timeless)).toMatch(/no timestamp/);
  });

  it("not an object at all", () => {
    expect(parseError(null)).toMatch(/object/i);
  });
});
