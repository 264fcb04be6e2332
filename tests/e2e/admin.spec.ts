// The admin pages in a real browser against `next start`: an admin grants a team role on
// /settings/users, creates a webhook token on /settings/tokens (shown once, stored as its hash)
// and revokes it, then finds all three on /audit (checked against the database, filtered in the
// URL). A viewer gets a 403 (status and notice) on /audit, /settings/users and /settings/tokens, and makes, sees once and
// revokes an API token of their own on /settings/api-tokens. Screenshots and axe.
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { as, signIn } from "../support/sign-in";

const browser = useBrowser();
const db = getDb();
const suffix = randomUUID().slice(0, 8);
const tokenName = `e2e-admin-${suffix}`;

describe("admin pages", () => {
  it("an admin grants a role, creates and revokes a token, and the audit log shows it", async () => {
    const admin = await signIn(as("admin"), { email: `e2e-admin-${suffix}@shiplog.test` });
    const target = await signIn(as("viewer"), { email: `e2e-target-${suffix}@shiplog.test` });
    const team = await db.team.findFirstOrThrow({ orderBy: { name: "asc" } });
    const { page, problems } = await browser.openPage({ as: admin });

    // The settings navigation leads an admin to the admin pages (from one that does not poll).
    await page.goto("/settings/tokens");
    const settingsNav = page.getByRole("navigation", { name: "Settings" });
    expect(await settingsNav.getByRole("link").allTextContents()).toEqual(["Ingestion", "API tokens", "Your account", "Users and roles", "Webhook tokens", "Audit log"]);
    await settingsNav.getByRole("link", { name: "Users and roles" }).click();
    await page.waitForURL(/\/settings\/users$/);
    await page.getByRole("heading", { name: "Users and roles" }).waitFor();
    // Leaving a page while it still loads its chunks would abort them (and count as problems).
    await page.waitForLoadState("networkidle");

    // Users and roles: find the person, grant sre for one team.
    await page.goto(`/settings/users?q=${encodeURIComponent(target.email)}`);
    const row = page.locator(`tr[data-user-email="${target.email}"]`);
    await row.getByRole("combobox", { name: "Role" }).selectOption("sre");
    await row.getByRole("combobox", { name: "Scope" }).selectOption(String(team.id));
    await row.getByRole("button", { name: "Grant" }).click();
    await row.locator("li[data-grant-id]").getByText(`team ${team.name}`).waitFor();
    expect(await db.roleGrant.findMany({ where: { userId: target.userId }, select: { role: true, teamId: true, source: true }, orderBy: { id: "asc" } })).toEqual([
      { role: "viewer", teamId: null, source: "manual" },
      { role: "sre", teamId: team.id, source: "manual" },
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "admin-users");
    await page.waitForLoadState("networkidle");

    // Webhook tokens: created and shown once, then revoked.
    await page.goto("/settings/tokens");
    await page.getByRole("combobox", { name: "For" }).selectOption("build");
    await page.getByRole("textbox", { name: "Name" }).fill(tokenName);
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = (await page.getByTestId("new-token").textContent())!.trim();
    expect(shown).toMatch(/^shiplog_build_[\w-]{40,}$/);
    const stored = await db.webhookToken.findUniqueOrThrow({ where: { source_name: { source: "BUILD", name: tokenName } } });
    expect(stored.tokenHash).toBe(createHash("sha256").update(shown).digest("hex"));
    await page.locator(`tr[data-token-name="${tokenName}"]`).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "admin-tokens-created");
    // Shown once: after a reload the page lists the name, never the token.
    await page.reload();
    expect(await page.content()).not.toContain(shown);
    await page.getByRole("button", { name: `Revoke token ${tokenName}` }).click();
    await page.locator(`tr[data-token-name="${tokenName}"]`).getByText("revoked").waitFor();
    expect((await db.webhookToken.findUniqueOrThrow({ where: { id: stored.id } })).revokedAt).not.toBeNull();
    await page.waitForLoadState("networkidle");

    // The audit log: this admin's actions, newest first, as the database has them.
    await page.goto(`/audit?actor=${encodeURIComponent(admin.email)}`);
    const actions = await page.locator("tr[data-audit-id] td:nth-child(3)").allTextContents();
    const recorded = await db.auditEvent.findMany({ where: { actor: admin.email }, orderBy: [{ at: "desc" }, { id: "desc" }], select: { action: true } });
    expect(recorded.map((event) => event.action)).toEqual(["token.revoked", "token.created", "role.granted"]);
    expect(actions).toEqual(recorded.map((event) => event.action));
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "admin-audit");

    // A filter from the form goes into the URL; back undoes it.
    await page.getByRole("textbox", { name: "Action" }).fill("token.created");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=token.created/);
    await page.waitForFunction(() => document.querySelectorAll("tr[data-audit-id]").length === 1);
    expect(await page.locator("tr[data-audit-id] td:nth-child(4)").textContent()).toContain(String(stored.id));
    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll("tr[data-audit-id]").length === 3);
    expect(problems).toEqual([]);
  }, 120_000);

  it("the audit log loads more a keyset page at a time, in the database's order", async () => {
    const actor = `bulk-${suffix}@shiplog.test`;
    const base = Date.parse("2026-10-01T00:00:00Z");
    await db.auditEvent.createMany({
      data: Array.from({ length: 75 }, (_, n) => ({ at: new Date(base + Math.floor(n / 3) * 60_000), actor, action: "delivery.replayed", targetType: "delivery", targetId: String(n), outcome: "success" })),
    });
    const expected = (await db.auditEvent.findMany({ where: { actor }, orderBy: [{ at: "desc" }, { id: "desc" }], select: { targetId: true } })).map((row) => row.targetId);
    const { page, problems } = await browser.openPage({ as: as("admin") });
    await page.goto(`/audit?actor=${encodeURIComponent(actor)}`);
    const targets = page.locator("tr[data-audit-id] td:nth-child(4) span");
    expect(await targets.allTextContents()).toEqual(expected.slice(0, 50));
    await page.getByRole("button", { name: "Load more" }).click();
    await page.waitForFunction(() => document.querySelectorAll("tr[data-audit-id]").length === 75);
    expect(await targets.allTextContents()).toEqual(expected);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
  }, 60_000);

  it("a viewer gets a 403 answer and notice on /audit, /settings/users and /settings/tokens, with nothing listed", async () => {
    const { page, problems } = await browser.openPage({ as: as("viewer") });
    const titles: Record<string, string> = {
      "/audit": "The audit log is for admins",
      "/settings/users": "Users and roles are for admins",
      "/settings/tokens": "Webhook tokens are for admins",
    };
    for (const [path, title] of Object.entries(titles)) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await page.getByText("403 · Not allowed").waitFor();
      expect(await page.getByRole("heading", { level: 1 }).innerText(), path).toBe(title);
      expect(await page.locator("table").count(), path).toBe(0);
      // Let the page finish its own requests (the icon) before leaving it.
      await page.waitForLoadState("networkidle");
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "admin-forbidden");
    // Nor does the settings navigation offer them the admin pages.
    await page.goto("/settings/integrations");
    expect(await page.getByRole("navigation", { name: "Settings" }).getByRole("link").allTextContents()).toEqual(["Ingestion", "API tokens", "Your account"]);
    await page.waitForLoadState("networkidle");
    // The three documents' own 403s are the answer under test, not a problem.
    // (Chromium also logs each as "Failed to load resource".)
    const own = (problem: string) =>
      /^HTTP 403: GET http:\/\/[^/]+\/(audit|settings\/users|settings\/tokens)$/.test(problem) ||
      /^console error: Failed to load resource: the server responded with a status of 403 \(Forbidden\) \(http:\/\/[^/]+\/(audit|settings\/users|settings\/tokens):0\)$/.test(problem);
    expect(problems.filter((problem) => !own(problem))).toEqual([]);
    expect(problems).toHaveLength(6);
  }, 60_000);

  it("a viewer creates an API token (shown once, stored as its hash), sees it listed and revokes it", async () => {
    const viewer = await signIn(as("viewer"), { email: `e2e-api-token-${suffix}@shiplog.test` });
    const { page, problems } = await browser.openPage({ as: viewer });
    await page.goto("/settings/api-tokens");
    // A viewer is offered only what they hold: the viewer role, fleet-wide; no service tokens.
    expect(await page.getByRole("combobox", { name: "Role" }).locator("option").allTextContents()).toEqual(["viewer"]);
    expect(await page.getByRole("combobox", { name: "Kind" }).count()).toBe(0);
    await page.getByRole("textbox", { name: "Name" }).fill("my-script");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = (await page.getByTestId("new-api-token").textContent())!.trim();
    expect(shown).toMatch(/^shiplog_pat_[\w-]{43}$/);
    const stored = await db.apiToken.findFirstOrThrow({ where: { userId: viewer.userId } });
    expect(stored.tokenHash).toBe(createHash("sha256").update(shown).digest("hex"));
    await page.locator('tr[data-api-token-name="my-script"]').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "api-tokens-created");
    await page.reload();
    expect(await page.content()).not.toContain(shown);
    await page.getByRole("button", { name: "Revoke API token my-script" }).click();
    await page.locator('tr[data-api-token-name="my-script"]').getByText("revoked").waitFor();
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: stored.id } })).revokedAt).not.toBeNull();
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
  }, 60_000);
});
