// getService on a real database: what each environment and cluster runs (with the links out to
// Argo CD and GitHub the service page shows), the first page of its history, and serviceExists.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { getService, serviceDetailSchema } from "../../../lib/services/get-service";
import { serviceExists } from "../../../lib/services/service-exists";

const t0 = new Date("2026-11-01T10:00:00Z");

beforeAll(async () => {
  const db = getDb();
  const service = await db.service.create({ data: { name: "ledger", repository: "acme/ledger" } });
  const prod = await db.environment.upsert({ where: { name: "prod" }, create: { name: "prod", rank: 30, isProduction: true }, update: {} });
  const withUrl = await db.argoInstance.create({ data: { name: "argocd-a", url: "https://argo-a.example.com" } });
  const withoutUrl = await db.argoInstance.create({ data: { name: "argocd-b" } });
  const release = await db.release.create({ data: { serviceId: service.id, version: "2.0.0", firstSeenAt: t0 } });
  for (const [instance, name] of [[withUrl, "prod-a"], [withoutUrl, "prod-b"]] as const) {
    const cluster = await db.cluster.create({ data: { argoInstanceId: instance.id, name, server: `https://${name}.example` } });
    const application = await db.application.create({
      data: { argoInstanceId: instance.id, namespace: "apps", name: `ledger-${name}`, serviceId: service.id, environmentId: prod.id, clusterId: cluster.id, currentReleaseId: release.id, currentReleaseSince: t0 },
    });
    await db.deployment.create({
      data: { applicationId: application.id, serviceId: service.id, environmentId: prod.id, clusterId: cluster.id, releaseId: release.id, operationKey: "op", observedAt: t0, startedAt: t0, status: "SUCCEEDED" },
    });
  }
});

describe("getService", () => {
  it("answers null for an unknown name, and serviceExists agrees", async () => {
    expect(await getService("no-such-service")).toBeNull();
    expect(await serviceExists("no-such-service")).toBe(false);
    expect(await serviceExists("ledger")).toBe(true);
  });

  it("lists each cluster's application with what it runs since when, and links to Argo CD where the instance's URL is known", async () => {
    const service = (await getService("ledger"))!;
    expect(serviceDetailSchema.parse(service)).toEqual(service);
    expect(service.repositoryUrl).toBe("https://github.com/acme/ledger");
    expect(service.environments.map((environment) => environment.name)).toEqual(["prod"]);
    expect(service.environments[0]!.applications.map((application) => [application.cluster, application.argoInstance, application.argocdUrl, application.release?.version, application.release?.since])).toEqual([
      ["prod-a", "argocd-a", "https://argo-a.example.com/applications/apps/ledger-prod-a", "2.0.0", t0],
      ["prod-b", "argocd-b", null, "2.0.0", t0],
    ]);
    expect(service.recentDeployments.items).toHaveLength(2);
    expect(service.recentDeployments.nextCursor).toBeNull();
  });
});
