// Operators file applications by their own labels: SHIPLOG_CLASSIFICATION_RULES replaces the
// default label lists, and the worker files Argo CD notifications by them.
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, insertDelivery, quietLog } from "../../../support/deliveries";

vi.stubEnv("SHIPLOG_CLASSIFICATION_RULES", JSON.stringify({ serviceLabels: ["acme.io/service"], environmentLabels: ["acme.io/stage"], teamLabels: ["acme.io/squad"] }));

describe("configured classification rules", () => {
  it("file an application by the operator's labels, not the defaults", async () => {
    const app = structuredClone(await argocdFixture());
    // Labels the defaults would read (part-of, env, team) point elsewhere on purpose.
    app.metadata.labels = {
      "acme.io/service": "billing-engine",
      "acme.io/stage": "live",
      "acme.io/squad": "payments",
      "app.kubernetes.io/part-of": "velero",
      env: "test",
      team: "sre",
    };
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(app) });
    expect(await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() })).toMatchObject({ processed: 1, failed: 0 });
    const stored = await getDb().application.findFirstOrThrow({ include: { service: { include: { team: true } }, environment: true } });
    expect([stored.service.name, stored.environment.name, stored.service.team?.slug]).toEqual(["billing-engine", "live", "payments"]);
    vi.unstubAllEnvs();
  });
});
