// Reconciliation against a fake Argo CD answering in the swagger's shapes, with the real
// Application fixture: changed state is stored once as a delivery, unchanged state never,
// vanished applications become deletions (unless the list looks like lost access).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { recordApplicationSnapshot } from "../../../lib/applications/record-application-snapshot";
import { APPLICATION_FIELDS, ArgoCdClient, ArgoCdError } from "../../../lib/argocd/argocd-client";
import { parseApplication } from "../../../lib/argocd/parse-application";
import { MANIFEST_GENERATE_PATHS } from "../../../lib/fleet/application-paths";
import { pollArgoCdInstance } from "../../../lib/argocd/poll-argocd-instance";
import { getDb } from "../../../lib/db/client";
import { FleetDirectory } from "../../../lib/fleet/fleet-directory";
import { argocdNotificationSchema } from "../../../lib/ingest/accept/argocd-notification";
import { type FakeArgoCd, startFakeArgoCd } from "../../support/fake-argocd";
import { applicationSnapshot, resetFleet } from "../../support/snapshot-builder";

const fixture = parse(readFileSync(new URL("../../fixtures/argocd/application-real.yaml", import.meta.url), "utf8")) as Record<string, any>;
const copy = (name: string, change: (app: Record<string, any>) => void = () => undefined) => {
  const app = structuredClone(fixture);
  app.metadata.name = name;
  app.metadata.uid = `uid-${name}`;
  change(app);
  return app;
};

describe("pollArgoCdInstance", () => {
  let argocd: FakeArgoCd;
  let client: ArgoCdClient;
  const deliveries = () => getDb().webhookDelivery.findMany({ orderBy: { id: "asc" } });

  beforeAll(async () => {
    argocd = await startFakeArgoCd();
    client = new ArgoCdClient({ name: "argocd", url: argocd.url, token: argocd.token }, 1_000);
  });
  afterAll(() => argocd.close());
  beforeEach(async () => {
    argocd.applications.clear();
    argocd.failWith = undefined;
    await getDb().webhookDelivery.deleteMany();
    await resetFleet(getDb());
  });

  it("stores each application's state once, as a delivery the worker reads like a notification", async () => {
    for (const name of ["velero-test", "velero-prod"]) argocd.applications.set(name, copy(name));
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ listed: 2, stored: 2, deleted: 0 });
    const rows = await deliveries();
    expect(rows.map((row) => [row.source, row.event, row.orderingKey])).toEqual([
      ["ARGOCD", "poll", "argocd/argo-cd/velero-test"],
      ["ARGOCD", "poll", "argocd/argo-cd/velero-prod"],
    ]);
    const body = argocdNotificationSchema.parse(JSON.parse(rows[0]!.body));
    expect(body).toMatchObject({ event: "poll", instance: "argocd", app: { metadata: { name: "velero-test" } } });
    expect((body.app.status as Record<string, unknown>).resources).toBeUndefined();
    expect(argocd.requests.at(-1)).toMatchObject({ method: "GET", authorization: `Bearer ${argocd.token}` });
    expect(argocd.requests.at(-1)!.path).toBe(`/api/v1/applications?${new URLSearchParams({ fields: APPLICATION_FIELDS.join(",") })}`);
  });

  it("asks Argo CD only for the fields it reads, and those give the snapshot the whole object gives", async () => {
    const full = copy("velero-test", (app) => {
      app.metadata.annotations = { [MANIFEST_GENERATE_PATHS]: ".;/libs", "kubectl.kubernetes.io/last-applied-configuration": "x".repeat(100_000) };
      app.metadata.managedFields = [{ manager: "argocd-server", fieldsV1: { "f:spec": {} } }];
      app.status.resources = Array.from({ length: 50 }, (_, index) => ({ kind: "Deployment", name: `d${index}`, status: "Synced" }));
    });
    argocd.applications.set("velero-test", full);
    await pollArgoCdInstance(getDb(), client);
    const [row] = await deliveries();
    const stored = JSON.parse(row!.body).app as Record<string, any>;
    expect(parseApplication(stored, "argocd")).toEqual(parseApplication(full, "argocd"));
    expect(stored.metadata.annotations).toEqual({ [MANIFEST_GENERATE_PATHS]: ".;/libs" });
    expect(stored.metadata.managedFields).toBeUndefined();
    expect(stored.status.resources).toBeUndefined();
    // The 100 kB annotation, managed fields and resources are not stored.
    expect(row!.body.length).toBeLessThan(JSON.stringify(full).length / 5);
  });

  it("stores nothing for an unchanged application, even as Argo CD reconciles it again", async () => {
    argocd.applications.set("velero-test", copy("velero-test"));
    await pollArgoCdInstance(getDb(), client);
    argocd.applications.set("velero-test", copy("velero-test", (app) => (app.status.reconciledAt = "2030-01-01T00:00:00Z")));
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ stored: 0 });
    argocd.applications.set("velero-test", copy("velero-test", (app) => (app.status.health = { status: "Degraded", lastTransitionTime: "2030-01-01T00:00:00Z" })));
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ stored: 1 });
    expect(await getDb().webhookDelivery.count()).toBe(2);
  });

  it("turns an application Argo CD no longer lists into one deletion", async () => {
    const directory = new FleetDirectory();
    for (const name of ["velero-test", "velero-prod", "velero-dev"]) {
      await getDb().$transaction((tx) => recordApplicationSnapshot(tx, directory, applicationSnapshot({ name, uid: `uid-${name}` })));
    }
    argocd.applications.set("velero-test", copy("velero-test"));
    argocd.applications.set("velero-prod", copy("velero-prod"));
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ listed: 2, deleted: 1 });
    const deletion = (await deliveries()).find((row) => row.event === "on-deleted");
    expect(deletion).toMatchObject({ orderingKey: "argocd/argo-cd/velero-dev" });
    expect(JSON.parse(deletion!.body).app.metadata).toMatchObject({ name: "velero-dev", uid: "uid-velero-dev" });
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ stored: 0 });
  });

  it("infers no deletions from a list that looks like lost access", async () => {
    const directory = new FleetDirectory();
    for (const name of ["velero-test", "velero-prod", "velero-dev"]) {
      await getDb().$transaction((tx) => recordApplicationSnapshot(tx, directory, applicationSnapshot({ name })));
    }
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ deleted: 0, deletionsSkipped: "Argo CD listed no applications" });
    argocd.applications.set("velero-test", copy("velero-test"));
    expect(await pollArgoCdInstance(getDb(), client)).toMatchObject({ deleted: 0, deletionsSkipped: "Argo CD no longer lists 2 of 3 applications" });
    expect((await deliveries()).filter((row) => row.event === "on-deleted")).toEqual([]);
  });

  it("says plainly when Argo CD refuses, errs or does not answer", async () => {
    const wrong = new ArgoCdClient({ name: "argocd", url: argocd.url, token: "stale" }, 1_000);
    await expect(pollArgoCdInstance(getDb(), wrong)).rejects.toThrow(/refused GET \/api\/v1\/applications \(401\): invalid session/);
    argocd.failWith = { status: 500, message: "rpc error: context deadline exceeded" };
    await expect(pollArgoCdInstance(getDb(), client)).rejects.toBeInstanceOf(ArgoCdError);
    argocd.failWith = "hang";
    const started = Date.now();
    await expect(pollArgoCdInstance(getDb(), client)).rejects.toThrow(/no answer within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await getDb().webhookDelivery.count()).toBe(0);
  });
});
