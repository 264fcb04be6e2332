// The rollout view in a real browser against `next start` and the seeded demo fleet: from the
// timeline's rollout row to the release's rollout in that environment (per region and wave, the
// numbers as the database has them, no table wider than the page at 1280 px), and an image
// tag's rollout across services. axe-core on both.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, type CheckedPage, saveScreenshot, useBrowser } from "../support/browser";

const browser = useBrowser();

describe("the rollout view", () => {
  let checked: CheckedPage;

  beforeAll(async () => {
    checked = await browser.openPage({ width: 1280, height: 800 });
  });

  it("opens from a timeline rollout row and shows that release in that environment, per region and wave", async () => {
    const { page } = checked;
    await page.goto("/timeline");
    const row = page.locator("tbody tr[data-rollout]").first();
    await row.waitFor();
    const releaseId = Number(await row.getAttribute("data-rollout"));
    const environment = (await row.getAttribute("data-rollout-environment"))!;
    await row.getByRole("link", { name: "Rollout" }).click();
    await page.waitForURL((url) => url.pathname === `/rollouts/releases/${releaseId}` && url.searchParams.get("environment") === environment);

    const [release] = await getDb().$queryRaw<{ version: string; service_id: number }[]>`SELECT version, service_id FROM releases WHERE id = ${releaseId}`;
    await page.getByRole("heading", { level: 1, name: `Rollout of ${release!.version} in ${environment}` }).waitFor();
    const waves = await getDb().$queryRaw<{ cluster: string; applications: number; healthy: number }[]>`
      SELECT c.name AS cluster, count(*)::int AS applications,
        count(*) FILTER (WHERE a.deleted_at IS NULL AND a.current_release_id = ${releaseId} AND a.health_status = 'HEALTHY')::int AS healthy
      FROM applications a JOIN clusters c ON c.id = a.cluster_id JOIN environments e ON e.id = a.environment_id AND e.name = ${environment}
      WHERE a.service_id = ${release!.service_id}
        AND (a.deleted_at IS NULL OR EXISTS (SELECT 1 FROM deployments d WHERE d.application_id = a.id AND d.release_id = ${releaseId}))
      GROUP BY c.name ORDER BY c.name`;
    const table = page.getByRole("table", { name: `Rollout in ${environment}, per region and cluster` });
    // Per wave: cluster, applications and healthy as the database counts them.
    const shown = await table.locator("tbody tr").evaluateAll((rows) =>
      rows.map((tableRow) => {
        const cells = [...tableRow.querySelectorAll("td")].map((cell) => cell.textContent ?? "");
        return { cluster: cells[1]!.trim(), applications: Number(cells[3]), healthy: Number(cells[4]) };
      }),
    );
    expect(shown.sort((a, b) => a.cluster.localeCompare(b.cluster))).toEqual(waves);

    // Fits 1280 px: neither the page nor the table scrolls sideways.
    const widths = await page.evaluate(() => {
      const box = document.querySelector("table")!.parentElement!;
      return { page: [document.documentElement.scrollWidth, document.documentElement.clientWidth], table: [box.scrollWidth, box.clientWidth] };
    });
    expect(widths.page[0]).toBeLessThanOrEqual(widths.page[1]!);
    expect(widths.table[0]).toBeLessThanOrEqual(widths.table[1]!);
  }, 60_000);

  it("widens to every environment of the release, with no serious accessibility violation (axe-core)", async () => {
    const { page } = checked;
    const version = (await page.locator("h1 .font-mono").innerText()).trim();
    await page.getByRole("link", { name: "All environments" }).click();
    await page.getByRole("heading", { level: 1, name: `Rollout of ${version}`, exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "All environments" }).getAttribute("aria-current")).toBe("page");
    await saveScreenshot(page, "rollout-release");
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it("shows an image tag's rollout across services", async () => {
    const { page } = checked;
    const [image] = await getDb().$queryRaw<{ ref: string }[]>`
      SELECT image AS ref FROM applications a, unnest(a.images) AS image
      WHERE a.deleted_at IS NULL AND image LIKE '%/platform/%' GROUP BY image ORDER BY count(*) DESC, image LIMIT 1`;
    await page.goto(`/rollouts/image?ref=${encodeURIComponent(image!.ref)}`);
    await page.getByRole("heading", { level: 1, name: `Rollout of ${image!.ref}` }).waitFor();
    expect(await page.getByRole("table").count()).toBeGreaterThan(0);
    await saveScreenshot(page, "rollout-image");
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.goto("/rollouts/image?ref=envoy");
    await page.getByText("ref: must be an image with a tag or digest").waitFor();
  }, 60_000);
});
