// The /api/v1 rate limits on real PostgreSQL. Two limiters over two pg pools of one database are
// two replicas: they count into the same rows, so the limit holds across them, also when
// requests race. Over the limit: 429 with Retry-After and the setting named; another token or
// address keeps its own budget; IPv6 counts per /64; the token is stored only as its hash.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiTokenSecret, hashApiToken } from "@/lib/api-tokens/api-token-secret";
import { config } from "@/lib/env";
import { AppError } from "@/lib/http/app-error";
import { PEER_ADDRESS_HEADER, recordPeerAddresses } from "@/lib/http/client-address";
import { limitApiRequest } from "@/lib/rate-limits/limit-api-request";
import { rateLimitStoreClient } from "@/lib/rate-limits/rate-limit-pool";
import { createRateLimiter } from "@/lib/rate-limits/rate-limiters";

// Requests made in-process carry no socket address unless this process records them; the
// header below then stands for what the HTTP server stamps from the socket.
recordPeerAddresses();

const pools: pg.Pool[] = [];
let prefix = 0;

/** A "replica": its own pool on the test database and its own limiters (API_* limits as given). */
function replica({ token = 0, address = 0, windowSeconds = 60 }: { token?: number; address?: number; windowSeconds?: number }) {
  const pool = new pg.Pool({ connectionString: config().DATABASE_URL, max: 4 });
  pools.push(pool);
  const store = rateLimitStoreClient(pool, { prepare: true });
  const settings = {
    SHIPLOG_RATE_LIMIT_WINDOW_SECONDS: windowSeconds,
    SHIPLOG_API_RATE_LIMIT_PER_TOKEN: token,
    SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: address,
    SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS: 0,
    SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS: 0,
  };
  const limiters = { token: createRateLimiter("api-token", settings, store), address: createRateLimiter("api-address", settings, store) };
  return (request: Request) => limitApiRequest(request, { settings: { SHIPLOG_TRUSTED_PROXIES: [] }, limiters });
}

/** A request to /api/v1 from `address` (null: none known), with `token` as a bearer. */
function apiRequest({ address = null, token }: { address?: string | null; token?: string }): Request {
  const headers = new Headers();
  if (address !== null) headers.set(PEER_ADDRESS_HEADER, address);
  if (token) headers.set("authorization", `Bearer ${token}`);
  return new Request("http://shiplog.test/api/v1/services", { headers });
}

/** "allowed", or the 429 it was refused with. */
async function outcome(check: Promise<void>): Promise<"allowed" | AppError> {
  try {
    await check;
    return "allowed";
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/** Each test's addresses are its own: the counters live in one database for the whole file. */
function address(last: number): string {
  return `198.51.${prefix}.${last}`;
}

beforeAll(async () => {
  const { Client } = pg;
  const client = new Client({ connectionString: config().DATABASE_URL });
  await client.connect();
  await client.query("SELECT 1 FROM rate_limit_counters LIMIT 1"); // made by the migration, not the library
  await client.end();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

describe("limitApiRequest", () => {
  it("holds an address to its limit across two replicas of one database, and tells when to retry", async () => {
    prefix = 1;
    const [first, second] = [replica({ address: 5 }), replica({ address: 5 })];
    const outcomes: ("allowed" | AppError)[] = [];
    for (let index = 0; index < 8; index += 1) outcomes.push(await outcome((index % 2 === 0 ? first : second)(apiRequest({ address: address(1) }))));
    expect(outcomes.slice(0, 5)).toEqual(["allowed", "allowed", "allowed", "allowed", "allowed"]);
    const refusals = outcomes.slice(5) as AppError[];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(429);
      expect(refusal.code).toBe("too_many_requests");
      const retryAfter = Number(refusal.headers["Retry-After"]);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refusal.message).toContain("SHIPLOG_API_RATE_LIMIT_PER_ADDRESS");
      expect(refusal.message).toContain("at most 5 per 60 s");
      expect(refusal.details).toEqual({ limit: "api-address", limitPerWindow: 5, windowSeconds: 60, retryAfterSeconds: retryAfter });
    }
    // Another address, through either replica, has its own budget.
    expect(await outcome(second(apiRequest({ address: address(2) })))).toBe("allowed");
    expect(await outcome(first(apiRequest({ address: address(2) })))).toBe("allowed");
  });

  it("lets exactly the limit through when forty requests race over two replicas", async () => {
    prefix = 2;
    const [first, second] = [replica({ address: 12 }), replica({ address: 12 })];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) => outcome((index % 2 === 0 ? first : second)(apiRequest({ address: address(1) })))),
    );
    expect(outcomes.filter((result) => result === "allowed")).toHaveLength(12);
    expect(outcomes.filter((result) => result instanceof AppError && result.status === 429)).toHaveLength(28);
  });

  it("holds a token to its limit wherever it comes from, without limiting another token", async () => {
    prefix = 3;
    const [first, second] = [replica({ token: 4 }), replica({ token: 4 })];
    const { token } = createApiTokenSecret("personal");
    const { token: other } = createApiTokenSecret("service");
    // A new address each time: rotating addresses does not escape a token's limit.
    const outcomes: ("allowed" | AppError)[] = [];
    for (let index = 0; index < 6; index += 1) outcomes.push(await outcome((index % 2 === 0 ? first : second)(apiRequest({ address: address(index + 1), token }))));
    expect(outcomes.filter((result) => result === "allowed")).toHaveLength(4);
    const refusal = outcomes[5] as AppError;
    expect(refusal.status).toBe(429);
    expect(refusal.message).toContain("with this API token");
    expect(refusal.message).toContain("SHIPLOG_API_RATE_LIMIT_PER_TOKEN");
    expect(Number(refusal.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
    expect(await outcome(first(apiRequest({ address: address(1), token: other })))).toBe("allowed");
    // Without a known address (a request made in-process) the token still counts.
    expect(await outcome(second(apiRequest({ token })))).toBeInstanceOf(AppError);

    // The counter's key is the token's SHA-256, as api_tokens keeps it; the token itself is nowhere.
    const pool = new pg.Pool({ connectionString: config().DATABASE_URL, max: 1 });
    pools.push(pool);
    const { rows } = await pool.query<{ key: string; points: number }>("SELECT key, points FROM rate_limit_counters WHERE key LIKE 'api-token:%' ORDER BY points DESC");
    expect(rows.map((row) => row.key)).toEqual([`api-token:${hashApiToken(token)}`, `api-token:${hashApiToken(other)}`]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("counts a malformed bearer token against the address only (it is refused with 401 before any lookup)", async () => {
    prefix = 4;
    const check = replica({ token: 1, address: 3 });
    const garbage = "x".repeat(500);
    for (let index = 0; index < 3; index += 1) expect(await outcome(check(apiRequest({ address: address(1), token: garbage })))).toBe("allowed");
    const refusal = await outcome(check(apiRequest({ address: address(1), token: garbage })));
    expect((refusal as AppError).details).toMatchObject({ limit: "api-address" });
  });

  it("counts IPv6 clients per /64", async () => {
    const check = replica({ address: 2 });
    expect(await outcome(check(apiRequest({ address: "2001:db8:4:1::1" })))).toBe("allowed");
    expect(await outcome(check(apiRequest({ address: "2001:db8:4:1::2" })))).toBe("allowed");
    expect(await outcome(check(apiRequest({ address: "2001:db8:4:1:dead:beef:0:3" })))).toBeInstanceOf(AppError);
    expect(await outcome(check(apiRequest({ address: "2001:db8:4:2::1" })))).toBe("allowed");
  });

  it("starts a new window once the old one ends, on every replica (none keeps refusing from memory)", async () => {
    prefix = 5;
    const [first, second] = [replica({ address: 2, windowSeconds: 1 }), replica({ address: 2, windowSeconds: 1 })];
    expect(await outcome(first(apiRequest({ address: address(1) })))).toBe("allowed");
    expect(await outcome(second(apiRequest({ address: address(1) })))).toBe("allowed");
    const refused = await outcome(first(apiRequest({ address: address(1) })));
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).headers["Retry-After"]).toBe("1");
    expect(await outcome(second(apiRequest({ address: address(1) })))).toBeInstanceOf(AppError);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await outcome(first(apiRequest({ address: address(1) })))).toBe("allowed");
    expect(await outcome(second(apiRequest({ address: address(1) })))).toBe("allowed");
  });

  it("limits nothing when both limits are off (0)", async () => {
    prefix = 6;
    const check = replica({});
    const { token } = createApiTokenSecret("personal");
    for (let index = 0; index < 20; index += 1) expect(await outcome(check(apiRequest({ address: address(1), token })))).toBe("allowed");
  });
});
