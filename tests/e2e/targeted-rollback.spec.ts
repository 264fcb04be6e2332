// A targeted rollback from the UI, end to end: a release of `payments` on 40 production clusters
// in four regions, degraded in 3 of them, on a Shiplog of its own (inline worker and rollback
// runner on) with Argo CD's API played by a fake. An SRE opens the release, the dialog offers
// only the 3 degraded applications by default, the plan and Confirm fit one 900 px-high screen,
// and confirming rolls back exactly those 3 (one cluster first, then the other two once it is
// healthy again). A viewer sees no controls and the plan API refuses them.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recordApplicationSnapshot } from "../../lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "../../lib/argocd/application-snapshot";
import { createDb, type Db } from "../../lib/db/client";
import { FleetDirectory } from "../../lib/fleet/fleet-directory";
import { advanceRollbacks } from "../../lib/rollback/advance-rollbacks";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { type FakeArgoCd, startFakeArgoCd } from "../support/fake-argocd";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";
import { at, image, minutes, rollout } from "../support/snapshot-builder";

const browser = useBrowser();
const cleanups: (() => Promise<unknown>)[] = [];
let argo: FakeArgoCd;
let url: string;
let db: Db;
let sre: TestUser;
let viewer: TestUser;
const directory = new FleetDirectory();

const REGIONS = ["eu-west-1", "eu-north-1", "us-east-1", "ap-south-1"];
const DEGRADED = [7, 18, 33];
const clusterOf = (index: number) => `gke-prod-${String(index).padStart(2, "0")}`;
const nameOf = (index: number) => `payments-${clusterOf(index)}`;
const t0 = new Date(Date.now() - 3 * 3600_000);
const v1 = [image("payments", "1.0.0")];
const v2 = [image("payments", "2.0.0")];

const appOf = (index: number): Partial<ApplicationSnapshot> => ({
  name: nameOf(index),
  uid: `uid-${nameOf(index)}`,
  labels: { "shiplog.io/service": "payments", "shiplog.io/environment": "prod", "shiplog.io/team": "core", "shiplog.io/region": REGIONS[(index - 1) % 4]! },
  destination: { name: clusterOf(index), namespace: "payments" },
  source: { repoUrl: "https://github.com/acme/deploy.git", path: `apps/payments/${clusterOf(index)}`, targetRevision: "main" },
});

/** What the Argo CD event handler does with each notification: record it, then move waiting rollbacks on. */
async function record(snapshots: ApplicationSnapshot[]) {
  for (const snapshot of snapshots) {
    await db.$transaction(async (tx) => {
      const recorded = await recordApplicationSnapshot(tx, directory, snapshot);
      await advanceRollbacks(tx, { applicationIds: [recorded.applicationId] });
    });
  }
}

beforeAll(async () => {
  argo = await startFakeArgoCd();
  cleanups.push(() => argo.close());
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_targeted_rollback", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  // 1.0.0 healthy everywhere (Argo CD history 11), then 2.0.0 (history 12): degraded on 3 clusters.
  for (let index = 1; index <= 40; index += 1) {
    const app = appOf(index);
    await record(rollout({ app, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11, initiatedBy: "dev@acme.dev" }));
    await record(rollout({ app, startedAt: at(t0, minutes(60)), from: v1, to: v2, revision: "r2", historyId: 12, initiatedBy: "dev@acme.dev", health: [DEGRADED.includes(index) ? "DEGRADED" : "HEALTHY"] }));
    argo.applications.set(nameOf(index), { metadata: { name: nameOf(index), namespace: "argo-cd" }, spec: {}, status: { history: [{ id: 11 }, { id: 12 }] } });
  }
  const server = await startShiplogServer(database.url, {
    SHIPLOG_INLINE_WORKER: "true",
    ARGOCD_INSTANCES: JSON.stringify([{ name: "argocd", url: argo.url, token: argo.token }]),
    ARGOCD_POLL_INTERVAL_SECONDS: "0",
  });
  cleanups.unshift(server.stop);
  url = server.url;
  sre = await server.signIn([{ role: "sre", teamId: null }]);
  viewer = await server.signIn([{ role: "viewer", teamId: null }]);
}, 240_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const release = () => db.release.findFirstOrThrow({ where: { version: "2.0.0", service: { name: "payments" } } });

describe("an SRE rolls back only the 3 degraded clusters of a 40-cluster release", () => {
  it("the dialog defaults to the 3, the plan and Confirm fit a 900 px screen, and only those 3 are rolled back", async () => {
    const { id } = await release();
    const { page, problems } = await browser.openPage({ as: sre, width: 1280, height: 900 });
    await page.goto(`${url}/releases/${id}`);
    await page.getByRole("button", { name: "Roll back payments 2.0.0" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back payments 2.0.0" });
    const plan = dialog.getByRole("region", { name: "Rollback plan" });
    // One degraded application in each of three regions: three groups of one, each dry run passed.
    await expect.poll(() => plan.getByText("1 passed", { exact: true }).count(), { timeout: 90_000 }).toBe(3);
    expect(await dialog.getByRole("radio", { name: "Only the degraded or failed: 3 of 40 applications" }).isChecked()).toBe(true);
    expect(await plan.textContent()).toMatch(/3 applications on 3 clusters \(of 40 running 2\.0\.0\), in 2 waves/);
    // Grouped: one row per region, each open (a plan of 3) on its cluster.
    const groups = plan.getByRole("button", { expanded: true });
    expect(await groups.allTextContents()).toEqual(["▾prod · eu-north-1: hide its applications", "▾prod · eu-west-1: hide its applications", "▾prod · us-east-1: hide its applications"]);
    expect(await plan.getByRole("list", { name: /^Applications in prod/ }).count()).toBe(3);
    for (const index of DEGRADED) await plan.getByRole("list", { name: /^Applications in prod/ }).getByText(clusterOf(index), { exact: true }).waitFor();
    expect(await plan.getByText(clusterOf(1), { exact: true }).count()).toBe(0);

    await dialog.getByLabel(/^Reason/).fill("2.0.0 is degraded in 3 prod clusters");
    const confirm = dialog.getByRole("button", { name: "Roll back to 1.0.0" });
    expect(await confirm.isEnabled()).toBe(true);
    await saveScreenshot(page, "targeted-rollback-dialog");
    // Fits: neither the dialog nor any scrolling part of it has more than it shows, and Confirm is inside the 900 px viewport.
    const overflowing = await dialog.evaluate((element) =>
      [element, ...element.querySelectorAll("*")]
        .filter((node) => node === element || ["auto", "scroll"].includes(getComputedStyle(node).overflowY))
        .filter((node) => node.scrollHeight > node.clientHeight + 1)
        .map((node) => `${node.tagName} ${node.className}: ${node.scrollHeight} px in ${node.clientHeight} px`),
    );
    expect(overflowing).toEqual([]);
    const box = (await confirm.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The other scopes plan too: one region (10 applications, grouped into one closed row).
    await dialog.getByRole("radio", { name: "Chosen regions" }).check();
    await dialog.getByRole("checkbox", { name: /^us-east-1/ }).check();
    await plan.getByText("10 passed", { exact: true }).waitFor({ timeout: 30_000 });
    expect(await plan.getByRole("button", { name: /^prod · us-east-1/ }).getAttribute("aria-expanded")).toBe("false");
    const fitsRegion = await confirm.boundingBox();
    expect(fitsRegion!.y + fitsRegion!.height).toBeLessThanOrEqual(900);
    await dialog.getByRole("radio", { name: "Only the degraded or failed: 3 of 40 applications" }).check();
    await expect.poll(() => plan.getByText("1 passed", { exact: true }).count(), { timeout: 90_000 }).toBe(3);
    await expect.poll(() => confirm.isEnabled(), { timeout: 30_000 }).toBe(true);

    argo.rollbacks.length = 0;
    await confirm.click();
    await page.waitForURL(/\/rollbacks\/\d+$/);
    const made = await db.rollback.findMany({ include: { application: { include: { cluster: true } } }, orderBy: { wave: "asc" } });
    expect(made.map((row) => row.application.name).sort()).toEqual(DEGRADED.map(nameOf));
    // Wave 0 runs at once; Argo CD then reports its sync back to 1.0.0, healthy, and the runner starts wave 1.
    await expect.poll(() => argo.rollbacks.filter((call) => !call.dryRun).length, { timeout: 20_000 }).toBe(1);
    const first = made.find((row) => row.wave === 0)!;
    const index = DEGRADED.find((candidate) => nameOf(candidate) === first.application.name)!;
    await record(rollout({ app: appOf(index), startedAt: new Date(), from: v2, to: v1, revision: "r1", historyId: 13, initiatedBy: "shiplog" }));
    await expect.poll(() => argo.rollbacks.filter((call) => !call.dryRun).length, { timeout: 30_000 }).toBe(3);
    expect(argo.rollbacks.filter((call) => !call.dryRun).map((call) => call.name).sort()).toEqual(DEGRADED.map(nameOf));
    expect(argo.rollbacks.every((call) => call.id === 11)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 300_000);
});

describe("a viewer", () => {
  it("sees no rollback controls, and the plan API refuses a targeted scope (403)", async () => {
    const { id } = await release();
    const { page, problems } = await browser.openPage({ as: viewer, width: 1280, height: 900 });
    await page.goto(`${url}/releases/${id}`);
    await page.getByRole("region", { name: "Where it runs and how it rolled out" }).getByRole("table").first().waitFor();
    expect(await page.getByRole("button", { name: /^Roll back/ }).count()).toBe(0);
    const answer = await page.request.post(`${url}/api/v1/rollbacks/plan`, {
      headers: { origin: url },
      data: { scope: { kind: "release", releaseId: id, select: { by: "regions", regions: ["us-east-1"] } } },
    });
    expect(answer.status()).toBe(403);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
