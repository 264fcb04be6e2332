// Multi-source Argo CD applications (spec.sources, Argo CD 2.6+): every source is kept, with the
// revision each is synced to, from the parser through the worker to GET /api/v1/deployments/{id}.
// The Application is the real fixture (application-real.yaml) given the sources of Argo CD's
// documentation (user-guide/multiple_sources.md, "Helm value files from external Git
// repository") and the status shape its notifications documentation shows for them
// (status.sync.revisions, operationState.syncResult.revisions: one revision per source).
import { beforeEach, describe, expect, it } from "vitest";
import { GET as getDeploymentRoute } from "@/app/api/v1/deployments/[id]/route";
import { parseApplication } from "@/lib/argocd/parse-application";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, deliveries, insertDelivery, type Json, quietLog, resetAll } from "../../support/deliveries";
import { callRoute } from "../../support/read-api";

const db = getDb();
const real = await argocdFixture();
const VALUES_REPO = "https://git.example.com/org/value-files.git";

/** The fixture as a multi-source application, synced at `startedAt` to chart `chartVersion` and values commit `valuesSha`. */
function multiSourceApp(chartVersion: string, valuesSha: string, startedAt: string): Json {
  const app = structuredClone(real);
  delete app.spec.source;
  app.spec.sources = [
    { repoURL: "https://prometheus-community.github.io/helm-charts", chart: "prometheus", targetRevision: chartVersion, helm: { valueFiles: ["$values/charts/prometheus/values.yaml"] } },
    { repoURL: VALUES_REPO, targetRevision: "dev", ref: "values" },
  ];
  const revisions = [chartVersion, valuesSha];
  delete app.status.sync.revision;
  app.status.sync.revisions = revisions;
  const state = app.status.operationState;
  state.startedAt = startedAt;
  state.finishedAt = new Date(Date.parse(startedAt) + 1000).toISOString();
  delete state.operation.sync.revision;
  state.operation.sync.revisions = revisions;
  delete state.syncResult.revision;
  state.syncResult.revisions = revisions;
  app.status.reconciledAt = new Date(Date.parse(startedAt) + 60_000).toISOString();
  return app;
}

const deliver = async (...apps: Json[]) => {
  for (const app of apps) await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(app, "on-deployed", "prod-eu") });
  const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
  expect(summary.failed + summary.quarantined, JSON.stringify((await deliveries()).map((row) => row.lastError))).toBe(0);
};

const A = "a".repeat(40);
const B = "b".repeat(40);

beforeEach(() => resetAll());

describe("parseApplication with spec.sources", () => {
  it("keeps every source with its synced revision, and the operation's revision of each; `source` stays the first with a repository", () => {
    const snapshot = parseApplication(multiSourceApp("15.7.1", A, "2024-03-05T07:33:03Z"), "prod-eu");
    expect(snapshot.sources).toEqual([
      { repoUrl: "https://prometheus-community.github.io/helm-charts", path: null, chart: "prometheus", targetRevision: "15.7.1", ref: null, name: null, syncedRevision: "15.7.1" },
      { repoUrl: VALUES_REPO, path: null, chart: null, targetRevision: "dev", ref: "values", name: null, syncedRevision: A },
    ]);
    expect(snapshot.operation).toMatchObject({ revision: "15.7.1", revisions: ["15.7.1", A] });
    expect(snapshot.source).toEqual({ repoUrl: "https://prometheus-community.github.io/helm-charts", path: undefined, chart: "prometheus", targetRevision: "15.7.1" });
    expect(snapshot.sync.revision).toBe("15.7.1");
  });

  it("keeps no list for a single-source application (its one source is `source`, as before)", () => {
    expect(parseApplication(real, "prod-eu").sources).toBeUndefined();
  });
});

describe("a multi-source application through the worker", () => {
  it("stores every source and each sync's revisions, shown by GET /api/v1/deployments/{id}; a late older report changes nothing", async () => {
    await deliver(multiSourceApp("15.7.1", A, "2024-03-05T07:33:03Z"));
    const newer = multiSourceApp("15.8.0", B, "2024-03-06T07:00:00Z");
    await deliver(newer, multiSourceApp("15.7.1", A, "2024-03-05T07:33:03Z"));

    const application = await db.application.findFirstOrThrow({ select: { sources: true, chart: true, repoUrl: true } });
    expect(application.chart).toBe("prometheus");
    expect(application.sources).toEqual([
      expect.objectContaining({ chart: "prometheus", targetRevision: "15.8.0", syncedRevision: "15.8.0" }),
      expect.objectContaining({ repoUrl: VALUES_REPO, ref: "values", syncedRevision: B }),
    ]);
    const deployments = await db.deployment.findMany({ orderBy: { startedAt: "asc" }, select: { id: true, revision: true, revisions: true } });
    expect(deployments.map((row) => row.revisions)).toEqual([["15.7.1", A], ["15.8.0", B]]);

    const answer = await callRoute(getDeploymentRoute, `/api/v1/deployments/${deployments[1]!.id}`, { id: String(deployments[1]!.id) });
    expect(answer.status).toBe(200);
    expect(answer.body.revisions).toEqual(["15.8.0", B]);
    expect(answer.body.application.sources).toEqual([
      { repoUrl: "https://prometheus-community.github.io/helm-charts", path: null, chart: "prometheus", targetRevision: "15.8.0", ref: null, name: null, syncedRevision: "15.8.0" },
      { repoUrl: VALUES_REPO, path: null, chart: null, targetRevision: "dev", ref: "values", name: null, syncedRevision: B },
    ]);
  });
});
