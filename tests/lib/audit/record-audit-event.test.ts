// recordAuditEvent on a real database: the row commits or rolls back with the action's
// transaction, and what it wrote cannot be changed or removed through Prisma afterwards.
import { describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { requestIdOf } from "@/lib/audit/request-id";
import { getDb } from "@/lib/db/client";

describe("recordAuditEvent", () => {
  it("writes who, what, target, reason, request id, outcome and detail", async () => {
    const { id } = await recordAuditEvent(getDb(), {
      actor: "ada@example.com",
      action: "role.granted",
      targetType: "user",
      targetId: "u-1",
      reason: "on call this week",
      requestId: "req-1",
      outcome: "success",
      detail: { role: "sre", teamId: 3 },
    });
    const row = await getDb().auditEvent.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      actor: "ada@example.com",
      action: "role.granted",
      targetType: "user",
      targetId: "u-1",
      reason: "on call this week",
      requestId: "req-1",
      outcome: "success",
      detail: { role: "sre", teamId: 3 },
    });
    expect(Math.abs(row.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("rolls back with a failed action: no audit row of success is left", async () => {
    const before = await getDb().auditEvent.count({ where: { action: "token.created" } });
    await expect(
      getDb().$transaction(async (tx) => {
        await tx.webhookToken.create({ data: { source: "ARGOCD", name: "doomed", tokenHash: "h-doomed" } });
        await recordAuditEvent(tx, { actor: "ada@example.com", action: "token.created", targetType: "webhook-token", targetId: "doomed", outcome: "success" });
        // The action's next step fails: the same name again violates the unique key.
        await tx.webhookToken.create({ data: { source: "ARGOCD", name: "doomed", tokenHash: "h-doomed-2" } });
      }),
    ).rejects.toThrow();
    expect(await getDb().auditEvent.count({ where: { action: "token.created" } })).toBe(before);
    expect(await getDb().webhookToken.count({ where: { name: "doomed" } })).toBe(0);
  });

  it("commits with the action", async () => {
    await getDb().$transaction(async (tx) => {
      await tx.webhookToken.create({ data: { source: "BUILD", name: "kept", tokenHash: "h-kept" } });
      await recordAuditEvent(tx, { actor: "ada@example.com", action: "token.created", targetType: "webhook-token", targetId: "kept", outcome: "success" });
    });
    expect(await getDb().auditEvent.count({ where: { action: "token.created", targetId: "kept" } })).toBe(1);
  });

  it("refuses malformed events before writing", async () => {
    await expect(recordAuditEvent(getDb(), { actor: "", action: "granted", targetType: "user", outcome: "success" })).rejects.toThrow(/actor|action/);
    // @ts-expect-error an outcome outside the list
    await expect(recordAuditEvent(getDb(), { actor: "a", action: "role.granted", targetType: "user", outcome: "ok" })).rejects.toThrow(/outcome/);
  });

  it("cannot be edited or deleted afterwards (the trigger refuses)", async () => {
    const { id } = await recordAuditEvent(getDb(), { actor: "mallory@example.com", action: "sessions.revoked", targetType: "user", outcome: "success" });
    await expect(getDb().auditEvent.update({ where: { id }, data: { actor: "someone-else" } })).rejects.toThrow(/append-only/);
    await expect(getDb().auditEvent.delete({ where: { id } })).rejects.toThrow(/append-only/);
    await expect(getDb().auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect((await getDb().auditEvent.findUniqueOrThrow({ where: { id } })).actor).toBe("mallory@example.com");
  });
});

describe("requestIdOf", () => {
  it("keeps a caller's well-formed X-Request-Id and gives one request one id", () => {
    expect(requestIdOf(new Request("http://x/", { headers: { "x-request-id": "proxy-123" } }))).toBe("proxy-123");
    const request = new Request("http://x/", { headers: { "x-request-id": "not ok; injected" } });
    const id = requestIdOf(request);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(request)).toBe(id);
    expect(requestIdOf(new Request("http://x/"))).not.toBe(id);
  });
});
