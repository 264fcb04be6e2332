// The environments view against a reference worked out by hand: the fleet of
// tests/support/environments-fleet.ts (read its picture first), and for each environment the
// releases it runs, whether it is behind, and its lag counted on paper. getServiceEnvironments
// (the service page and its API) and listWaitingPromotions (the fleet-wide list) must both agree
// with it, including the totals, the team filter and the keyset pages.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { getServiceEnvironments, serviceEnvironmentsSchema } from "../../../lib/environments/get-service-environments";
import { listWaitingPromotions, listWaitingPromotionsQuery, waitingPromotionPageSchema } from "../../../lib/environments/list-waiting-promotions";
import { measureReleaseLags } from "../../../lib/environments/measure-release-lag";
import { buildEnvironmentsFleet, type EnvironmentsFleet } from "../../support/environments-fleet";

let fleet: EnvironmentsFleet;
const day = (n: number, hour = 10) => new Date(Date.UTC(2026, 10, n, hour));

beforeAll(async () => {
  fleet = await buildEnvironmentsFleet(getDb());
});

describe("getServiceEnvironments", () => {
  it("answers null for a service nobody has", async () => {
    expect(await getServiceEnvironments("no-such-service")).toBeNull();
  });

  it("chains ledger's environments by rank and counts each lag as worked out by hand", async () => {
    const view = (await getServiceEnvironments("ledger"))!;
    expect(serviceEnvironmentsSchema.parse(view)).toEqual(view);
    expect(view.service).toMatchObject({ name: "ledger", team: { slug: "payments", name: "Payments" }, repository: "acme/ledger" });
    // sandbox (rank 5) runs nothing of ledger, so it is not listed.
    expect(view.environments.map((environment) => environment.name)).toEqual(["dev", "staging", "prod"]);
    const [dev, staging, prod] = view.environments;

    expect(dev).toMatchObject({ previous: null, behind: false, lag: null, compare: null, promotion: null, applications: 1 });
    expect(dev!.releases.map((release) => release.version)).toEqual(["r5"]);

    // staging (r4 everywhere) is behind dev (r5): r5 adds c7 (PR #13 [PAY-4]) and c8.
    expect(staging!.releases).toEqual([
      expect.objectContaining({ version: "r4", applications: 2, clusters: ["stg-1", "stg-2"], regions: ["eu-west", "us-east"] }),
    ]);
    expect(staging!.previous).toMatchObject({ environment: "dev", release: { version: "r5" } });
    expect(staging!.behind).toBe(true);
    expect(staging!.lag).toEqual({
      releases: 1, commits: 2, pullRequests: 1, tickets: 1, waitingSince: day(5),
      // c7 was committed two hours before r5 was first seen, c8 one hour before.
      oldestCommitAt: new Date(day(5).getTime() - 2 * 3_600_000), commitsComplete: true,
    });
    expect(staging!.compare).toEqual({
      path: `/releases/${fleet.releases.r5}?compare=${fleet.releases.r4}`,
      apiPath: `/api/v1/releases/${fleet.releases.r5}/compare/${fleet.releases.r4}`,
      githubUrl: expect.stringMatching(/^https:\/\/github\.com\/acme\/ledger\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}$/),
    });
    expect(staging!.promotion).toEqual({
      releaseId: fleet.releases.r5, environment: "staging", path: `/promotions/new?service=ledger&release=${fleet.releases.r5}&environment=staging`,
    });

    // prod runs r2 in eu-west and r3 in us-east: its oldest, r2, lags staging's r4 by r3 and r4:
    // c4 ("PAY-2", no PR), c5 ([PAY-3], PR #11 [PAY-1, PAY-3]), c6 (PR #12): 3 commits, 2 PRs,
    // tickets PAY-1, PAY-2, PAY-3.
    expect(prod!.releases.map((release) => [release.version, release.clusters, release.regions])).toEqual([
      ["r3", ["prod-us-1"], ["us-east"]],
      ["r2", ["prod-eu-1"], ["eu-west"]],
    ]);
    expect(prod!.previous).toMatchObject({ environment: "staging", release: { version: "r4" } });
    expect(prod!.lag).toMatchObject({ releases: 2, commits: 3, pullRequests: 2, tickets: 3, waitingSince: day(3) });
    expect(prod!.promotion?.releaseId).toBe(fleet.releases.r4);
  });

  it("treats environments of one rank as parallel, skips an unknown release, and counts only a monorepo service's own commits", async () => {
    const view = (await getServiceEnvironments("cart"))!;
    expect(view.environments.map((environment) => [environment.name, environment.previous?.environment ?? null, environment.behind])).toEqual([
      ["staging", null, false],
      ["prod", "staging", true],
      ["prod-asia", "staging", false],
    ]);
    const prod = view.environments[1]!;
    expect(prod).toMatchObject({ applications: 2, unknownReleaseApplications: 1 });
    // k2 adds kb (cart/main.go, PR #5 [CART-1]) and kc (docs/readme.md: not cart's, left out).
    expect(prod.lag).toMatchObject({ releases: 1, commits: 1, pullRequests: 1, tickets: 1, waitingSince: day(4, 12) });
  });

  it("reports nothing behind when every environment runs the same release", async () => {
    const view = (await getServiceEnvironments("search-api"))!;
    expect(view.environments.map((environment) => [environment.name, environment.behind])).toEqual([["dev", false], ["prod", false]]);
  });
});

describe("measureReleaseLags", () => {
  it("answers null for a pair with nothing between, in either order or across services", async () => {
    const { r2, r4, s1 } = fleet.releases;
    const ledger = fleet.services.ledger!;
    const lags = await measureReleaseLags([
      { serviceId: ledger, olderReleaseId: r4!, newerReleaseId: r4! },
      { serviceId: ledger, olderReleaseId: r4!, newerReleaseId: r2! },
      { serviceId: ledger, olderReleaseId: r2!, newerReleaseId: s1! },
      { serviceId: ledger, olderReleaseId: r2!, newerReleaseId: r4! },
    ]);
    expect(lags.slice(0, 3)).toEqual([null, null, null]);
    expect(lags[3]).toMatchObject({ releases: 2, commits: 3 });
  });
});

describe("listWaitingPromotions", () => {
  it("lists every environment behind, oldest waiting change first, with the totals", async () => {
    const page = await listWaitingPromotions();
    expect(waitingPromotionPageSchema.parse(page)).toEqual(page);
    expect(page.items.map((item) => [item.service.name, item.environment.name, item.previous.environment, item.running.version, item.previous.release.version])).toEqual([
      ["ledger", "prod", "staging", "r2", "r4"],
      ["cart", "prod", "staging", "k1", "k2"],
      ["ledger", "staging", "dev", "r4", "r5"],
    ]);
    expect(page.items.map((item) => item.waitingSince)).toEqual([day(3), day(4, 12), day(5)]);
    expect(page.items.map((item) => [item.lag.commits, item.lag.pullRequests, item.lag.tickets])).toEqual([[3, 2, 3], [1, 1, 1], [2, 1, 1]]);
    expect(page).toMatchObject({ total: 3, services: 2, nextCursor: null });
    expect(page.items[1]!.compare.githubUrl).toMatch(/^https:\/\/github\.com\/acme\/shop\/compare\//);
  });

  it("filters by team, and counts over the filter", async () => {
    const payments = await listWaitingPromotions({ team: "payments" });
    expect(payments.items.map((item) => item.environment.name)).toEqual(["prod", "staging"]);
    expect(payments).toMatchObject({ total: 2, services: 1 });
    expect(await listWaitingPromotions({ team: "search" })).toEqual({ total: 0, services: 0, items: [], nextCursor: null });
    expect(await listWaitingPromotions({ team: "nobody" })).toMatchObject({ total: 0, items: [] });
  });

  it("walks keyset pages of one row to the same list, with the totals on every page", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = listWaitingPromotionsQuery.parse({ limit: "1", ...(cursor ? { cursor } : {}) });
      const page = await listWaitingPromotions(query);
      expect(page).toMatchObject({ total: 3, services: 2 });
      seen.push(...page.items.map((item) => `${item.service.name}/${item.environment.name}`));
      cursor = page.nextCursor;
    } while (cursor !== null && seen.length < 10);
    expect(seen).toEqual(["ledger/prod", "cart/prod", "ledger/staging"]);
  });

  it("refuses a cursor it did not make", () => {
    const parsed = listWaitingPromotionsQuery.safeParse({ cursor: "bm90LWEtY3Vyc29y" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["cursor"]);
  });
});
