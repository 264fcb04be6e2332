// `npm run webhook-token` as an operator runs it: a real child process on this file's database.
// Creating and revoking from the command line leave the same audit events as the admin page,
// with the operating-system account as the actor.
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { databaseUrl } from "../../lib/env";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

function webhookToken(...args: string[]) {
  return run(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/webhook-token.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl() },
  });
}

describe("npm run webhook-token", () => {
  it("audits creating and revoking a token with the command-line user as actor", async () => {
    const created = await webhookToken("create", "argocd", "cli-audited");
    const token = created.stdout.trim();
    expect(token.length).toBeGreaterThan(20);

    await webhookToken("revoke", "argocd", "cli-audited");

    const db = getDb();
    const row = await db.webhookToken.findUniqueOrThrow({ where: { source_name: { source: "ARGOCD", name: "cli-audited" } } });
    expect(row.revokedAt).not.toBeNull();
    const events = await db.auditEvent.findMany({ where: { targetType: "webhook-token", targetId: String(row.id) }, orderBy: { id: "asc" } });
    expect(events.map((event) => [event.action, event.outcome, event.actor])).toEqual([
      ["token.created", "success", `cli:${os.userInfo().username}@${os.hostname()}`],
      ["token.revoked", "success", `cli:${os.userInfo().username}@${os.hostname()}`],
    ]);
    // The plaintext is shown once and never written to the audit log.
    expect(JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toContain(token);
  });

  it("refuses to revoke a token that is not live, and audits nothing", async () => {
    const before = await getDb().auditEvent.count();
    await expect(webhookToken("revoke", "build", "never-made")).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No live build token named "never-made"') });
    expect(await getDb().auditEvent.count()).toBe(before);
  });
});
