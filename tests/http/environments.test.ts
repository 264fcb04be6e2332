// The environments view over real HTTP against `next start`, on a database of this file's own
// holding the hand-built fleet of tests/support/environments-fleet.ts (the shared server's demo
// fleet must stay as the page tests expect): both read endpoints answer what the oracle worked
// out, page and refuse bad input with a 400 naming the parameter; the /environments page and the
// service page offer Promote exactly to those who may roll the service back (the rollback
// button's rule: SREs of its team, fleet-wide SREs and admins; never for a service without a team
// to a team's SRE).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { buildEnvironmentsFleet, type EnvironmentsFleet } from "../support/environments-fleet";

let baseUrl: string;
let fleet: EnvironmentsFleet;
const cookies: Record<"viewer" | "paymentsSre" | "sre", string> = { viewer: "", paymentsSre: "", sre: "" };
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_envs", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const db = createDb(database.url);
  try {
    fleet = await buildEnvironmentsFleet(db);
  } finally {
    await db.$disconnect();
  }
  const server = await startShiplogServer(database.url);
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  cookies.viewer = (await server.signIn([{ role: "viewer", teamId: null }])).cookie;
  cookies.paymentsSre = (await server.signIn([{ role: "sre", teamId: fleet.teams.payments! }])).cookie;
  cookies.sre = (await server.signIn([{ role: "sre", teamId: null }])).cookie;
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function get(path: string, cookie: string | null = cookies.viewer): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(new URL(path, baseUrl), { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // A page: the HTML is in `text`.
  }
  return { status: response.status, body, text };
}

/** The Promote links of a page, decoded: "service/release/environment". */
function promoteLinks(html: string): string[] {
  return [...html.matchAll(/href="(\/promotions\/new\?[^"]+)"/g)]
    .map((match) => new URLSearchParams(match[1]!.replaceAll("&amp;", "&").split("?")[1]))
    .map((query) => `${query.get("service")}/${query.get("release")}/${query.get("environment")}`)
    .sort();
}

describe("GET /api/v1/services/{name}/environments", () => {
  it("answers each environment's releases and lag", async () => {
    const { status, body } = await get("/api/v1/services/ledger/environments");
    expect(status).toBe(200);
    expect(body.environments.map((environment: any) => [environment.name, environment.behind, environment.lag?.commits ?? null, environment.lag?.pullRequests ?? null, environment.lag?.tickets ?? null])).toEqual([
      ["dev", false, null, null, null],
      ["staging", true, 2, 1, 1],
      ["prod", true, 3, 2, 3],
    ]);
    expect(body.environments[2].lag.waitingSince).toBe("2026-11-03T10:00:00.000Z");
    expect(body.environments[2].compare.path).toBe(`/releases/${fleet.releases.r4}?compare=${fleet.releases.r2}`);
  });

  it("is a 404 naming the service for an unknown name, and a 401 without credentials", async () => {
    const missing = await get("/api/v1/services/no-such-service/environments");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", message: 'No service is named "no-such-service".' });
    expect((await get("/api/v1/services/ledger/environments", null)).status).toBe(401);
  });
});

describe("GET /api/v1/environments/waiting", () => {
  it("lists what waits, oldest first, with totals over the filter", async () => {
    const all = await get("/api/v1/environments/waiting");
    expect(all.status).toBe(200);
    expect(all.body.items.map((item: any) => `${item.service.name}/${item.environment.name}`)).toEqual(["ledger/prod", "cart/prod", "ledger/staging"]);
    expect(all.body).toMatchObject({ total: 3, services: 2, nextCursor: null });
    const payments = await get("/api/v1/environments/waiting?team=payments");
    expect(payments.body).toMatchObject({ total: 2, services: 1 });
  });

  it("pages with nextCursor to the same list", async () => {
    const seen: string[] = [];
    let path: string | null = "/api/v1/environments/waiting?limit=2";
    while (path && seen.length < 10) {
      const { status, body } = await get(path);
      expect(status).toBe(200);
      expect(body.total).toBe(3);
      seen.push(...body.items.map((item: any) => `${item.service.name}/${item.environment.name}`));
      path = body.nextCursor ? `/api/v1/environments/waiting?limit=2&cursor=${encodeURIComponent(body.nextCursor)}` : null;
    }
    expect(seen).toEqual(["ledger/prod", "cart/prod", "ledger/staging"]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1000", "limit"],
    ["cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["teams=payments", "teams"],
  ])("answers 400 naming the parameter for %s", async (query, parameter) => {
    const { status, body } = await get(`/api/v1/environments/waiting?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain(parameter);
  });
});

describe("the pages", () => {
  const ledgerProd = () => `ledger/${fleet.releases.r4}/prod`;
  const ledgerStaging = () => `ledger/${fleet.releases.r5}/staging`;
  const cartProd = () => `cart/${fleet.releases.k2}/prod`;

  it("/environments lists the waiting environments, and Promote only where the viewer may roll back", async () => {
    const asViewer = await get("/environments");
    expect(asViewer.status).toBe(200);
    expect(asViewer.text).toContain("Waiting for promotion");
    for (const name of ["ledger", "cart"]) expect(asViewer.text).toContain(`href="/services/${name}"`);
    expect(promoteLinks(asViewer.text)).toEqual([]);
    expect(promoteLinks((await get("/environments", cookies.paymentsSre)).text)).toEqual([ledgerProd(), ledgerStaging()].sort());
    expect(promoteLinks((await get("/environments", cookies.sre)).text)).toEqual([cartProd(), ledgerProd(), ledgerStaging()].sort());
  });

  it("/environments filters by team and refuses a bad filter with the reason", async () => {
    const payments = await get("/environments?team=payments");
    expect(payments.text).not.toContain('href="/services/cart"');
    expect(payments.text).toContain('href="/services/ledger"');
    const bad = await get("/environments?limit=abc");
    expect(bad.status).toBe(200);
    expect(bad.text).toContain("This filter cannot be used");
    expect(bad.text).toContain("limit");
  });

  it("the service page shows the promotion path, with Promote for the team's SRE and not for a viewer", async () => {
    const asViewer = await get("/services/ledger");
    expect(asViewer.status).toBe(200);
    expect(asViewer.text).toContain("Promotion path");
    expect(asViewer.text).toContain(`href="/releases/${fleet.releases.r4}?compare=${fleet.releases.r2}"`);
    expect(promoteLinks(asViewer.text)).toEqual([]);
    expect(promoteLinks((await get("/services/ledger", cookies.paymentsSre)).text)).toEqual([ledgerProd(), ledgerStaging()].sort());
    // cart has no team: a payments SRE may not roll it back, so may not promote it either.
    expect(promoteLinks((await get("/services/cart", cookies.paymentsSre)).text)).toEqual([]);
    expect(promoteLinks((await get("/services/cart", cookies.sre)).text)).toEqual([cartProd()]);
  });
});
