// The ingestion page in a real browser against `next start` and the seeded demo fleet: a CI
// build report sent through the real webhook endpoint fails projection in the real worker
// code (the database refuses that one repository's builds, a stand-in for a fault), shows up
// in the failed list with its error, is replayed from the page, and once the worker applies it
// again it is processed and leaves the list. Also: the live health numbers against the
// database, the source filter in the URL, and the copy buttons (clipboard contents, keyboard).
import { randomUUID } from "node:crypto";
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { FleetDirectory } from "../../lib/fleet/fleet-directory";
import { applyDelivery } from "../../lib/ingest/queue/apply-delivery";
import { defaultRetryPolicy } from "../../lib/ingest/queue/delivery-retry-policy";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";
import { quietLog } from "../support/deliveries";

const browser = useBrowser();
const baseUrl = inject("shiplogUrl");
const { buildToken } = inject("webhookCredentials");
const db = getDb();

const suffix = randomUUID().slice(0, 8);
const repository = `e2e-integrations/replay-${suffix}`;
const trigger = `refuse_builds_${suffix}`;
let deliveryId: bigint;
let view: CheckedPage;

/** The worker's code applying one delivery, as the worker process would (the e2e server runs none). */
const apply = (id: bigint) =>
  applyDelivery(db, new FleetDirectory(), id, {
    // A failure waits an hour for its retry, so nothing retries it behind the test's back.
    retry: { ...defaultRetryPolicy, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 },
    log: quietLog(),
    transactionTimeoutMs: 30_000,
  });

/** The label → value pairs of the `dl` inside `scope`. */
async function figures(scope: Locator): Promise<Record<string, string>> {
  return scope.locator("dl").evaluate((list) =>
    Object.fromEntries(Array.from(list.querySelectorAll("dt"), (term) => [term.textContent!.trim(), term.nextElementSibling!.textContent!.trim()])),
  );
}

async function failedNow(source: "ARGOCD" | "GITHUB" | "BUILD" | "GITLAB"): Promise<{ day: number; quarantined: number }> {
  const [row] = await db.$queryRaw<{ day: number; quarantined: number }[]>`
    SELECT count(*) FILTER (WHERE status IN ('FAILED', 'QUARANTINED') AND received_at >= now() - interval '24 hours')::int AS day,
      count(*) FILTER (WHERE status = 'QUARANTINED')::int AS quarantined
    FROM webhook_deliveries WHERE source = ${source}::"DeliverySource"`;
  return row!;
}

beforeAll(async () => {
  // Only this test's repository is refused: other specs share the database.
  await db.$executeRawUnsafe(`
    CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.repository = '${repository}' THEN RAISE EXCEPTION 'builds of % are refused during maintenance', NEW.repository; END IF;
      RETURN NEW;
    END $$`);
  await db.$executeRawUnsafe(`CREATE TRIGGER ${trigger} BEFORE INSERT ON builds FOR EACH ROW EXECUTE FUNCTION ${trigger}()`);
  try {
    const response = await fetch(new URL("/api/webhooks/build", baseUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${buildToken}`, "content-type": "application/json", "idempotency-key": `e2e-${suffix}` },
      body: JSON.stringify({ repository, commitSha: "e2e0".padEnd(40, "1"), image: `ghcr.io/${repository}`, tag: `1.0.${suffix}`, builtAt: new Date().toISOString() }),
    });
    expect(response.status).toBe(202);
    const stored = await db.webhookDelivery.findUniqueOrThrow({ where: { source_deliveryId: { source: "BUILD", deliveryId: `e2e-${suffix}` } } });
    deliveryId = stored.id;
    expect(await apply(deliveryId)).toMatchObject({ kind: "FAILED" });
  } finally {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${trigger} ON builds`);
    await db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${trigger}()`);
  }
  // An engineer: replaying a delivery needs that role (docs/auth.md).
  view = await browser.openPage({ width: 1280, height: 900, as: [{ role: "engineer", teamId: null }] });
  await view.page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
  await view.page.goto("/settings/integrations?source=build");
  await view.page.getByRole("heading", { level: 1, name: "Ingestion" }).waitFor();
  await view.page.waitForLoadState("networkidle");
  await saveScreenshot(view.page, "integrations-page");
});

afterAll(async () => {
  // Leave no failed delivery behind for other specs' counts, whatever happened above.
  if (deliveryId !== undefined) await db.webhookDelivery.updateMany({ where: { id: deliveryId, status: { in: ["FAILED", "QUARANTINED"] } }, data: { status: "IGNORED" } });
});

describe("the ingestion page", () => {
  it("lists the failed delivery with the worker's error, as the database has it", async () => {
    const stored = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(stored).toMatchObject({ status: "FAILED", attempts: 1 });
    const row = view.page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    const cells = await row.locator("td").allInnerTexts();
    expect(cells[0]).toBe("CI build reports");
    expect(cells[1]).toBe("build");
    expect(cells[3]).toBe("1");
    expect(cells[4]).toContain("retrying");
    expect(cells[5]).toBe(stored.lastError);
    expect(stored.lastError).toContain(`builds of ${repository} are refused during maintenance`);
    expect(cells[6]).toBe(`e2e-${suffix}`);
    expect(await row.locator("time").first().getAttribute("datetime")).toBe(stored.receivedAt.toISOString());

    // The list is the build source's failed deliveries, newest first.
    const expected = await db.webhookDelivery.findMany({
      where: { source: "BUILD", status: { in: ["FAILED", "QUARANTINED"] } },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: 25,
      select: { id: true },
    });
    const shown = await view.page.locator("tbody tr[data-delivery-id]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-delivery-id")));
    expect(shown).toEqual(expected.map((delivery) => String(delivery.id)));
  });

  it("shows each source's failures and quarantine as the database counts them", async () => {
    for (const [source, label] of [["ARGOCD", "Argo CD"], ["GITHUB", "GitHub"], ["BUILD", "CI build reports"], ["GITLAB", "GitLab"]] as const) {
      const shown = await figures(view.page.getByRole("region", { name: `${label} deliveries` }));
      const counted = await failedNow(source);
      expect(shown["Failed, last day"], source).toBe(String(counted.day));
      expect(shown.Quarantined, source).toBe(String(counted.quarantined));
    }
  });

  it("copies the GitHub payload URL with a click, and the Argo CD ConfigMap from the keyboard", async () => {
    const { page } = view;
    await page.getByRole("button", { name: "Copy Payload URL" }).click();
    await page.getByRole("region", { name: "GitHub" }).getByRole("status").filter({ hasText: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseUrl}/api/webhooks/github`);

    const copyConfigMap = page.getByRole("button", { name: "Copy argocd-notifications-cm (ConfigMap)" });
    await copyConfigMap.focus();
    await page.keyboard.press("Enter");
    await copyConfigMap.locator("xpath=following-sibling::*[@role='status']").filter({ hasText: "Copied" }).waitFor();
    const yaml = await page.evaluate(() => navigator.clipboard.readText());
    expect(yaml).toContain("name: argocd-notifications-cm");
    expect(yaml).toContain(`url: ${baseUrl}/api/webhooks/argocd`);
    expect(yaml).not.toContain("e2e-argocd-token");
    await saveScreenshot(page, "integrations-copied");
  });

  it("sets up GitLab: its webhook URL to copy, the setting or token to use, the same hook through GitLab's API", async () => {
    const { page } = view;
    const gitlab = page.getByRole("region", { name: "GitLab", exact: true });
    await gitlab.getByRole("button", { name: "Copy URL", exact: true }).click();
    await gitlab.getByRole("status").filter({ hasText: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseUrl}/api/webhooks/gitlab`);
    const text = await gitlab.innerText();
    // The e2e server configures no GitLab secret: the page says what to set.
    expect(text).toContain("Not accepting yet: set GITLAB_WEBHOOK_SECRET");
    expect(text).toContain("npm run webhook-token -- create gitlab <name>");
    expect(text).toContain(`--data-urlencode "url=${baseUrl}/api/webhooks/gitlab"`);
    expect(text).toContain("Merge request events");
    // No GITLAB_TOKEN either: the API section says what to set, and that no hook's event log is checked.
    expect(text).toContain("GitLab API access (commit ranges, resending failed webhook events)");
    expect(text).toMatch(/None: set GITLAB_TOKEN \(and GITLAB_URL for a self-managed instance\)/);
    expect(text).toMatch(/\(GITLAB_WEBHOOK_HOOKS\): none/);
  });

  it("never shows a webhook credential", async () => {
    const text = await view.page.locator("main").innerText();
    const { argocdToken, githubSecret } = inject("webhookCredentials");
    for (const secret of [argocdToken, buildToken, githubSecret]) expect(text).not.toContain(secret);
    expect(text).toContain("BUILD_WEBHOOK_TOKENS");
    expect(text).toContain("GITHUB_WEBHOOK_SECRET");
  });

  it("has no serious or critical accessibility violations (axe-core)", async () => {
    expect(await accessibilityViolations(view.page)).toEqual([]);
  });

  it("replays the failed delivery: the row says so, the worker processes it, it leaves the list and the count", async () => {
    const { page } = view;
    const before = await failedNow("BUILD");
    const row = page.locator(`tr[data-delivery-id="${deliveryId}"]`);
    await row.getByRole("button", { name: `Replay CI build reports build delivery e2e-${suffix}` }).click();
    await row.getByRole("status").filter({ hasText: "Replayed: the worker applies it next" }).waitFor();
    expect(await row.innerText()).toContain("queued for replay");
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "PENDING", attempts: 0, lastError: null });
    await saveScreenshot(page, "integrations-replayed");

    // The fault is gone (the trigger was dropped): the worker's code applies it now.
    expect(await apply(deliveryId)).toMatchObject({ kind: "PROCESSED" });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "PROCESSED" });
    expect(await db.build.count({ where: { repository } })).toBe(1);

    // The list (polled every 15 s) drops it; the health numbers (every 5 s) count one failure less.
    await row.waitFor({ state: "detached", timeout: 25_000 });
    const buildHealth = page.getByRole("region", { name: "CI build reports deliveries" });
    await expect.poll(async () => (await figures(buildHealth))["Failed, last day"], { timeout: 15_000 }).toBe(String(before.day - 1));
    expect(view.problems).toEqual([]);
  }, 60_000);

  it("shows a viewer the failed deliveries without any replay control", async () => {
    // No worker runs in the e2e server, so this quarantined delivery stays as it is.
    await db.webhookDelivery.upsert({
      where: { source_deliveryId: { source: "BUILD", deliveryId: "e2e-viewer-sees-no-replay" } },
      create: { source: "BUILD", deliveryId: "e2e-viewer-sees-no-replay", event: "build", body: "{}", status: "QUARANTINED", attempts: 1, lastError: "body: not JSON" },
      update: {},
    });
    const { page, problems } = await browser.openPage(); // a fleet-wide viewer
    await page.goto("/settings/integrations?source=build");
    await page.locator('tbody tr[data-delivery-id]').filter({ hasText: "e2e-viewer-sees-no-replay" }).waitFor();
    expect(await page.getByRole("columnheader", { name: "Replay" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Replay/ }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("filters by source in the URL, and the back button returns to the previous filter", async () => {
    const { page, problems } = await browser.openPage();
    await page.goto("/settings/integrations?source=build");
    await page.getByRole("navigation", { name: "Filter failed deliveries by source" }).getByRole("link", { name: "GitHub" }).click();
    await page.waitForURL("**/settings/integrations?source=github*");
    const github = await db.webhookDelivery.count({ where: { source: "GITHUB", status: { in: ["FAILED", "QUARANTINED"] } } });
    if (github === 0) await page.getByText("No failed GitHub deliveries").waitFor();
    else expect(await page.locator("tbody tr[data-delivery-id] td:first-child").allInnerTexts()).toEqual(Array(Math.min(github, 25)).fill("GitHub"));
    await page.goBack();
    await page.waitForURL("**/settings/integrations?source=build*");
    await page.getByRole("link", { name: "CI build reports", exact: true }).and(page.locator("[aria-current=page]")).waitFor();

    await page.goto("/settings/integrations?source=bitbucket");
    await page.getByRole("alert").filter({ hasText: "source: must be one of argocd, github, build, deployer, gitlab, flux" }).waitFor();
    expect(problems).toEqual([]);
  });
});
