// The rate limits over real HTTP with two `next start` servers on one database: two replicas
// behind one load balancer. The test process plays the balancer (SHIPLOG_TRUSTED_PROXIES is
// loopback), so X-Forwarded-For chooses the client's address. A token's and an address's
// requests are counted wherever they land; another token or address is served; webhooks from an
// address the API refuses are accepted as ever.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import type { TestUser } from "../support/sign-in";
import { argocdApplication, argocdBody } from "../support/webhooks";

const { argocdToken } = inject("webhookCredentials");
const LIMITS = { SHIPLOG_TRUSTED_PROXIES: "127.0.0.1,::1", SHIPLOG_API_RATE_LIMIT_PER_TOKEN: "6", SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: "10" };

type Server = Awaited<ReturnType<typeof startShiplogServer>>;
const servers: Server[] = [];
const cleanups: (() => Promise<void>)[] = [];
let person: TestUser;

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_rate_limits", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  // One after the other: two builds' worth of start-up at once starves a two-core machine.
  for (let index = 0; index < 2; index += 1) {
    const server = await startShiplogServer(database.url, LIMITS);
    cleanups.unshift(server.stop);
    servers.push(server);
  }
  person = await servers[0]!.signIn([{ role: "admin", teamId: null }]);
}, 240_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** GET /api/v1/services on server `index` from client `address`, with a token or the session. */
function read(index: number, address: string, auth: { token: string } | "session"): Promise<Response> {
  const headers: Record<string, string> = { "x-forwarded-for": address };
  if (auth === "session") headers.cookie = person.cookie;
  else headers.authorization = `Bearer ${auth.token}`;
  return fetch(`${servers[index]!.url}/api/v1/services?limit=1`, { headers, signal: AbortSignal.timeout(30_000) });
}

async function createToken(name: string, address: string): Promise<string> {
  const response = await fetch(`${servers[0]!.url}/api/v1/tokens`, {
    method: "POST",
    headers: { cookie: person.cookie, origin: servers[0]!.url, "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ name, role: "viewer", expiresInDays: 1 }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

describe("rate limits across two servers on one database", () => {
  it("hold a token to its limit whichever server and address its requests reach, and not another token", async () => {
    const token = await createToken("limited", "192.0.2.200");
    const other = await createToken("other", "192.0.2.200");
    const statuses: number[] = [];
    // Alternating servers, each request from another address: only the token's count can refuse.
    for (let index = 0; index < 8; index += 1) statuses.push((await read(index % 2, `192.0.2.${index + 1}`, { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const refused = await read(1, "192.0.2.50", { token });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const { error } = (await refused.json()) as { error: { code: string; message: string; details: { limit: string } } };
    expect(error).toMatchObject({ code: "too_many_requests", details: { limit: "api-token" } });
    expect(error.message).toContain("SHIPLOG_API_RATE_LIMIT_PER_TOKEN");
    expect((await read(0, "192.0.2.51", { token: other })).status).toBe(200);
    expect((await read(1, "192.0.2.51", { token: other })).status).toBe(200);
  }, 60_000);

  it("hold an address to its limit whichever server its requests reach, and not another address", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) statuses.push((await read(index % 2, "198.51.100.7", "session")).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const refused = await read(0, "198.51.100.7", "session");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { details: { limit: string } } }).error.details.limit).toBe("api-address");
    expect((await read(0, "198.51.100.8", "session")).status).toBe(200);
    expect((await read(1, "198.51.100.8", "session")).status).toBe(200);
  }, 60_000);

  it("never limit webhooks, even from an address the API refuses", async () => {
    const address = "198.51.100.7"; // spent by the test above
    expect((await read(1, address, "session")).status).toBe(429);
    const app = (await argocdApplication()) as { metadata: { uid: string } };
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) {
      const copy = structuredClone(app);
      copy.metadata.uid = `rate-limited-address-${index}`;
      const response = await fetch(`${servers[index % 2]!.url}/api/webhooks/argocd`, {
        method: "POST",
        headers: { authorization: `Bearer ${argocdToken}`, "content-type": "application/json", "x-forwarded-for": address },
        body: argocdBody(copy, { event: "on-deployed", instance: "prod-eu" }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual(Array.from({ length: 12 }, () => 202));
  }, 60_000);
});
