// Sign-in throttling over real HTTP against `next start` (issue 14, finding 2), each describe on
// a Shiplog of its own (own database, so its counters are its own): a default install (no
// SHIPLOG_TRUSTED_PROXIES), and one behind a trusted proxy. Before the fix, 150 wrong passwords,
// each with another X-Forwarded-For, got 150 × 401 and no 429; and the per-address bucket of 3
// tries per 10 s was shared by everyone behind one address, so an attacker locked out colleagues.
// Tests run in order: the colleague's test first, while the address's budget is still unspent.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FREE_ATTEMPTS } from "../../lib/auth/decide-sign-in-backoff";
import { createDb } from "../../lib/db/client";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";

type Server = Awaited<ReturnType<typeof startShiplogServer>>;
let counter = 0;

/** A Shiplog of its own (own database, so its counters are its own) with `env`, and a client of its database. */
function useServer(env: Record<string, string> = {}): { server: () => Server; db: () => ReturnType<typeof createDb> } {
  let server: Server | undefined;
  let db: ReturnType<typeof createDb> | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_throttle", template: inject("templateDatabase") });
    drop = database.drop;
    db = createDb(database.url);
    server = await startShiplogServer(database.url, env);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await db?.$disconnect();
    await drop?.();
  });
  return { server: () => server!, db: () => db! };
}

/** A forged X-Forwarded-For, different each call. */
function rotatingAddress(): string {
  counter += 1;
  return `198.51.${Math.floor(counter / 250) % 250}.${(counter % 250) + 1}`;
}

/**
 * A local sign-in to the current describe's server; `forge` adds another X-Forwarded-For (and
 * X-Real-IP) each time, as the attacker did; `forwardedFor` sends that one instead.
 */
async function signInOverHttp(email: string, password: string, { forge = true, forwardedFor }: { forge?: boolean; forwardedFor?: string } = {}): Promise<Response> {
  const forged: Record<string, string> = forwardedFor ? { "x-forwarded-for": forwardedFor } : forge ? { "x-forwarded-for": rotatingAddress(), "x-real-ip": rotatingAddress() } : {};
  return fetch(new URL("/api/auth/sign-in/email", current.server().url), {
    method: "POST",
    headers: { "content-type": "application/json", ...forged },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(60_000),
  });
}

/**
 * The most attempts on one account the backoff lets through in `seconds`: the free ones, then
 * one after each wait of 1 s, 2 s, 4 s … (tests/lib/auth/decide-sign-in-backoff.test.ts).
 */
function mostAttemptsIn(seconds: number): number {
  return FREE_ATTEMPTS + Math.ceil(Math.log2(seconds + 1)) + 1;
}

/** The client addresses Better Auth recorded on a user's sessions made over HTTP (signIn()'s own has none), oldest first. */
async function addressesOfSessions(shiplog: ReturnType<typeof useServer>, userId: string): Promise<string[]> {
  const sessions = await shiplog.db().session.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: { ipAddress: true } });
  return sessions.map((session) => session.ipAddress ?? "").filter((address) => address !== "");
}

/** Status counts, e.g. { 401: 5, 429: 145 }. */
async function tally(responses: Response[]): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

let current: ReturnType<typeof useServer>;

describe("sign-in throttling, no trusted proxies (the default)", () => {
  const shiplog = useServer();
  beforeAll(() => {
    current = shiplog;
  });

  it("an attacker hammering one account does not lock a colleague out of theirs", async () => {
    const target = await shiplog.server().signIn([{ role: "sre", teamId: null }]);
    const colleague = await shiplog.server().signIn([{ role: "viewer", teamId: null }]);
    const started = Date.now();
    const attack: Response[] = [];
    // In bursts, as a script would send them.
    for (let burst = 0; burst < 4; burst += 1) {
      attack.push(...(await Promise.all(Array.from({ length: 10 }, () => signInOverHttp(target.email, "wrong password, again")))));
    }
    const counts = await tally(attack);
    const allowed = mostAttemptsIn((Date.now() - started) / 1000);
    expect(counts[401]).toBeLessThanOrEqual(allowed);
    expect(counts[429]).toBeGreaterThanOrEqual(40 - allowed);
    const refused = attack.find((response) => response.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });

    // From the same address, without any forwarded header (colleagues behind one NAT or proxy):
    // before the fix they shared one bucket of 3 tries per 10 s with the attacker.
    const typo = await signInOverHttp(colleague.email, "a typo", { forge: false });
    expect(typo.status).toBe(401);
    const signedIn = await signInOverHttp(colleague.email, colleague.password, { forge: false });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get("set-cookie")).toContain("shiplog.session_token=");
    // The address Shiplog resolved is the socket's, whatever the header says (Better Auth keeps it on the session).
    const forged = await signInOverHttp(colleague.email, colleague.password);
    expect(forged.status).toBe(200);
    expect(await addressesOfSessions(shiplog, colleague.userId)).toEqual(["127.0.0.1", "127.0.0.1"]);
  }, 120_000);

  it("rotating X-Forwarded-For escapes neither the account's backoff nor the address's limit", async () => {
    const victim = await shiplog.server().signIn([{ role: "admin", teamId: null }]);
    const started = Date.now();
    const responses: Response[] = [];
    for (let index = 0; index < 150; index += 1) responses.push(await signInOverHttp(victim.email, `guess-${index}`));
    const counts = await tally(responses);
    // Before the fix: 150 × 401.
    const allowed = mostAttemptsIn((Date.now() - started) / 1000);
    expect(counts[401]).toBeLessThanOrEqual(allowed);
    expect(counts[429]).toBeGreaterThanOrEqual(150 - allowed);

    // One guess each at many accounts (password spraying), each from a "new" address: the
    // address is the socket's, so its limit holds.
    const spray: Response[] = [];
    for (let index = 0; index < 40; index += 1) spray.push(await signInOverHttp(`sprayed-${index}@shiplog.test`, "Winter2026!"));
    const sprayed = await tally(spray);
    expect(sprayed[429]).toBeGreaterThan(0);
    const limited = spray.find((response) => response.status === 429)!;
    expect(await limited.json()).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe("sign-in throttling behind a trusted proxy (SHIPLOG_TRUSTED_PROXIES)", () => {
  // The test process plays the proxy: it connects from loopback and writes X-Forwarded-For.
  const shiplog = useServer({ SHIPLOG_TRUSTED_PROXIES: "127.0.0.1,::1" });
  beforeAll(() => {
    current = shiplog;
  });

  it("takes the client's address from X-Forwarded-For, up to the first hop the proxy did not vouch for", async () => {
    const person = await shiplog.server().signIn([{ role: "viewer", teamId: null }]);
    expect((await signInOverHttp(person.email, person.password, { forwardedFor: "203.0.113.7" })).status).toBe(200);
    // What the client wrote itself sits left of what the proxy appended: never reached.
    expect((await signInOverHttp(person.email, person.password, { forwardedFor: "6.6.6.6, 203.0.113.8" })).status).toBe(200);
    expect(await addressesOfSessions(shiplog, person.userId)).toEqual(["203.0.113.7", "203.0.113.8"]);
  }, 60_000);

  it("limits each client address on its own: one spraying accounts does not stop another", async () => {
    const spray: Response[] = [];
    for (let index = 0; index < 25; index += 1) spray.push(await signInOverHttp(`sprayed-${index}@shiplog.test`, "Winter2026!", { forwardedFor: "203.0.113.66" }));
    expect((await tally(spray))[429]).toBeGreaterThan(0);
    const colleague = await shiplog.server().signIn([{ role: "viewer", teamId: null }]);
    expect((await signInOverHttp(colleague.email, colleague.password, { forwardedFor: "203.0.113.67" })).status).toBe(200);
  }, 120_000);
});
