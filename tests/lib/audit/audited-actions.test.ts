// The privileged actions outside rollbacks write their audit event in the same transaction:
// delivery replay (one, and all failed of a source) and a DORA definitions change. Who, what,
// target, reason, request id and outcome; a refused replay is recorded as refused.
import { describe, expect, it } from "vitest";
import type { AuditContext } from "@/lib/audit/audit-context";
import { getDb } from "@/lib/db/client";
import type { DeliveryStatus } from "@/lib/generated/prisma/enums";
import { replayDeliveries } from "@/lib/ingest/replay/replay-deliveries";
import { requestDeliveryReplay } from "@/lib/ingest/replay/request-delivery-replay";
import { DEFAULT_DORA_DEFINITIONS } from "@/lib/metrics/dora-definitions";
import { updateDoraDefinitions } from "@/lib/metrics/update-dora-definitions";

const audit: AuditContext = { actor: "eng@example.com", requestId: "req-audited", reason: "fixed the parser" };
let sequence = 0;
async function delivery(status: DeliveryStatus, source: "GITHUB" | "BUILD" = "GITHUB") {
  sequence += 1;
  return getDb().webhookDelivery.create({
    data: { source, deliveryId: `a-${sequence}`, event: "push", body: "{}", status, attempts: status === "PENDING" ? 0 : 3, lastError: "boom" },
  });
}

describe("audited delivery replay", () => {
  it("records one replay with who, target, reason, request id and the previous status", async () => {
    const stored = await delivery("QUARANTINED");
    expect((await requestDeliveryReplay(stored.id, getDb(), audit)).kind).toBe("replayed");
    const rows = await getDb().auditEvent.findMany({ where: { action: "delivery.replayed", targetId: String(stored.id) } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: "eng@example.com",
      targetType: "delivery",
      reason: "fixed the parser",
      requestId: "req-audited",
      outcome: "success",
      detail: { source: "GITHUB", previousStatus: "QUARANTINED", event: "push" },
    });
  });

  it("records a refused replay as refused and changes nothing", async () => {
    const waiting = await delivery("PENDING");
    expect((await requestDeliveryReplay(waiting.id, getDb(), audit)).kind).toBe("queued");
    const rows = await getDb().auditEvent.findMany({ where: { action: "delivery.replayed", targetId: String(waiting.id) } });
    expect(rows.map((row) => [row.outcome, row.detail])).toEqual([["refused", { refused: "queued" }]]);
  });

  it("records a bulk replay with the count, in the same transaction", async () => {
    await delivery("FAILED", "BUILD");
    await delivery("QUARANTINED", "BUILD");
    const count = await replayDeliveries({ source: "BUILD", statuses: ["FAILED", "QUARANTINED"] }, getDb(), audit);
    expect(count).toBe(2);
    const row = await getDb().auditEvent.findFirstOrThrow({ where: { action: "delivery.replayed", targetType: "deliveries" } });
    expect(row).toMatchObject({ targetId: "BUILD", outcome: "success", requestId: "req-audited", detail: { replayed: 2, source: "BUILD" } });
  });

  it("writes nothing without an audit context (scripts run by operators)", async () => {
    const before = await getDb().auditEvent.count();
    await replayDeliveries({ source: "GITHUB" });
    expect(await getDb().auditEvent.count()).toBe(before);
  });
});

describe("audited DORA definitions change", () => {
  it("records the previous and new definitions", async () => {
    await updateDoraDefinitions({ productionEnvironments: null, failureStatuses: ["FAILED"], leadTimeStart: "merge" }, getDb(), audit);
    const row = await getDb().auditEvent.findFirstOrThrow({ where: { action: "dora-definitions.changed" } });
    expect(row).toMatchObject({
      actor: "eng@example.com",
      targetType: "dora-definitions",
      outcome: "success",
      requestId: "req-audited",
      detail: {
        // Nothing stored before: the defaults were in force.
        previous: DEFAULT_DORA_DEFINITIONS,
        definitions: { productionEnvironments: null, failureStatuses: ["FAILED"], leadTimeStart: "merge" },
      },
    });
  });

  it("leaves no audit row when the definitions are refused", async () => {
    const before = await getDb().auditEvent.count({ where: { action: "dora-definitions.changed" } });
    await expect(updateDoraDefinitions({ productionEnvironments: ["nowhere"], failureStatuses: ["FAILED"], leadTimeStart: "commit" }, getDb(), audit)).rejects.toThrow(/nowhere/);
    expect(await getDb().auditEvent.count({ where: { action: "dora-definitions.changed" } })).toBe(before);
  });
});
