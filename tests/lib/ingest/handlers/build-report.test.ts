import { beforeEach, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { deliveries, insertDelivery, quietLog, resetAll } from "../../../support/deliveries";

const db = getDb();
const drain = () => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
const report = {
  service: "basket-api",
  repository: "acme/basket-api",
  commitSha: "3484A3FB816E0859FD6E1CEA078D76385FF50625",
  image: "ghcr.io/acme/basket-api",
  tag: "1.4.2",
  digest: "sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b6c62fb45fe66bfb1ea9a66ab",
  builtAt: "2026-03-10T09:00:00Z",
};

beforeEach(() => resetAll());

it("a CI build report is build evidence, and its service learns its repository", async () => {
  await db.service.create({ data: { name: "basket-api" } });
  await insertDelivery({ source: "BUILD", event: "build", body: report });
  await drain();
  expect(await db.build.findFirstOrThrow()).toMatchObject({
    repository: "acme/basket-api",
    commitSha: "3484a3fb816e0859fd6e1cea078d76385ff50625",
    image: "ghcr.io/acme/basket-api",
    tag: "1.4.2",
    digest: report.digest,
    source: "BUILD_REPORT",
    builtAt: new Date("2026-03-10T09:00:00Z"),
  });
  expect(await db.service.findFirstOrThrow()).toMatchObject({ repository: "acme/basket-api" });
});

it("a report that no longer validates is quarantined with the field named", async () => {
  await insertDelivery({ source: "BUILD", event: "build", body: { ...report, commitSha: "abc" } });
  await drain();
  expect((await deliveries())[0]).toMatchObject({
    status: "QUARANTINED",
    lastError: "invalid build report: commitSha: must be a full 40-character commit SHA",
  });
});
