// Shiplog's rate limits: what each counts, its setting, and the rate-limiter-flexible limiter
// behind it. Every limiter writes to one table, rate_limit_counters (made by a migration, not by
// the library), one row per limit and key, with one atomic upsert per check: two replicas
// checking the same key count into the same row, so a limit holds across replicas. A key over
// its limit is also remembered in this process's memory until its window ends, so a client that
// keeps hammering after its 429 costs no further database round trips here.
import "server-only";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import { type Config, config } from "../env";
import { type RateLimitStoreClient, preparesStatements, rateLimitPool, rateLimitStoreClient } from "./rate-limit-pool";

export const RATE_LIMIT_TABLE = "rate_limit_counters";

/** Each limit's setting (requests per key and window; 0: off) and what its 429 says it counts. */
export const RATE_LIMITS = {
  "api-token": { setting: "SHIPLOG_API_RATE_LIMIT_PER_TOKEN", counts: "requests to /api/v1 with this API token" },
  "api-address": { setting: "SHIPLOG_API_RATE_LIMIT_PER_ADDRESS", counts: "requests to /api/v1 from your address" },
  "sign-in-address": { setting: "SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS", counts: "sign-in attempts from your address" },
  "auth-address": { setting: "SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS", counts: "sign-in requests from your address" },
} as const satisfies Record<string, { setting: keyof Config; counts: string }>;

export type RateLimitName = keyof typeof RATE_LIMITS;

export type RateLimiter = {
  name: RateLimitName;
  /** Requests allowed per key and window. */
  points: number;
  windowSeconds: number;
  store: RateLimiterPostgres;
};

/** A limiter for `name` over `storeClient` with the limit in `settings`, or null when the limit is off (0). */
export function createRateLimiter(
  name: RateLimitName,
  settings: Pick<Config, (typeof RATE_LIMITS)[RateLimitName]["setting"] | "SHIPLOG_RATE_LIMIT_WINDOW_SECONDS">,
  storeClient: RateLimitStoreClient,
): RateLimiter | null {
  const points = settings[RATE_LIMITS[name].setting];
  if (points === 0) return null;
  const windowSeconds = settings.SHIPLOG_RATE_LIMIT_WINDOW_SECONDS;
  const store = new RateLimiterPostgres({
    storeClient,
    storeType: "pool",
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: name,
    points,
    duration: windowSeconds,
    // The first request over the limit blocks its key in memory until the window ends.
    inMemoryBlockOnConsumed: points + 1,
  });
  return { name, points, windowSeconds, store };
}

type Limiters = { settings: Config; byName: Map<RateLimitName, RateLimiter | null> };
const globalForLimiters = globalThis as unknown as { shiplogRateLimiters?: Limiters };

/** This process's limiter for `name` (null when its limit is off), made on first use. */
export function rateLimiter(name: RateLimitName, settings: Config = config()): RateLimiter | null {
  // Settings change only in tests (useDatabaseUrl resets them); limiters follow them.
  if (globalForLimiters.shiplogRateLimiters?.settings !== settings) globalForLimiters.shiplogRateLimiters = { settings, byName: new Map() };
  const { byName } = globalForLimiters.shiplogRateLimiters;
  if (!byName.has(name)) byName.set(name, createRateLimiter(name, settings, rateLimitStoreClient(rateLimitPool(), { prepare: preparesStatements() })));
  return byName.get(name) ?? null;
}
