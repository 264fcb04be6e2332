// The rate limits through the real route handlers, as the server calls them: an /api/v1 route
// (through withErrorHandling, which every route uses), Better Auth's sign-in route, and a
// webhook route, which the limits must never touch (webhooks have their own accept path and
// arrive by the thousand from a few Argo CD and CI addresses). The socket address the HTTP
// server would stamp is set by hand (recordPeerAddresses: this process records it).
import { afterAll, describe, expect, it, vi } from "vitest";
import { useDatabaseUrl } from "@/lib/env";
import { PEER_ADDRESS_HEADER, recordPeerAddresses } from "@/lib/http/client-address";
import { closeRateLimitPool } from "@/lib/rate-limits/rate-limit-pool";
import { argocdApplication, argocdBody, bearerRequest } from "../../support/webhooks";

vi.stubEnv("SHIPLOG_API_RATE_LIMIT_PER_ADDRESS", "3");
vi.stubEnv("SHIPLOG_API_RATE_LIMIT_PER_TOKEN", "2");
vi.stubEnv("SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS", "2");
vi.stubEnv("SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS", "2");
vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token");
useDatabaseUrl(process.env.DATABASE_URL!); // settings are read again, with the ones above
recordPeerAddresses();
afterAll(async () => {
  vi.unstubAllEnvs();
  await closeRateLimitPool();
});

const services = await import("@/app/api/v1/services/route");
const openapi = await import("@/app/api/v1/openapi.json/route");
const argocd = await import("@/app/api/webhooks/argocd/route");
const auth = await import("@/app/api/auth/[...all]/route");

const SHIPLOG = "http://localhost:3000";

function fromAddress(address: string, init: RequestInit & { path: string }): Request {
  const headers = new Headers(init.headers);
  headers.set(PEER_ADDRESS_HEADER, address);
  return new Request(`${SHIPLOG}${init.path}`, { ...init, headers });
}

describe("/api/v1", () => {
  it("answers 429 with Retry-After, the request id and the setting once an address is over its limit; another address is served", async () => {
    const statuses: number[] = [];
    // Public and signed-in routes alike: the limit counts before authentication.
    for (const call of [openapi.GET, services.GET, openapi.GET]) statuses.push((await call(fromAddress("203.0.113.1", { path: "/api/v1/x" }), undefined)).status);
    expect(statuses).toEqual([200, 401, 200]);
    const refused = await openapi.GET(fromAddress("203.0.113.1", { path: "/api/v1/openapi.json" }), undefined);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("x-request-id")).toBeTruthy();
    const { error } = (await refused.json()) as { error: { code: string; message: string; requestId: string } };
    expect(error.code).toBe("too_many_requests");
    expect(error.message).toContain("SHIPLOG_API_RATE_LIMIT_PER_ADDRESS");
    expect(error.requestId).toBe(refused.headers.get("x-request-id"));
    expect((await openapi.GET(fromAddress("203.0.113.2", { path: "/api/v1/openapi.json" }), undefined)).status).toBe(200);
  });

  it("limits a token before it is looked up, however many addresses it comes from", async () => {
    const token = `shiplog_pat_${"a".repeat(43)}`;
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const request = fromAddress(`203.0.113.${10 + index}`, { path: "/api/v1/services", headers: { authorization: `Bearer ${token}` } });
      statuses.push((await services.GET(request, undefined)).status);
    }
    // Unknown token: 401 twice, then the token's limit.
    expect(statuses).toEqual([401, 401, 429]);
  });
});

describe("/api/webhooks", () => {
  it("is never limited, even from an address the API refuses", async () => {
    const address = "203.0.113.20";
    for (let index = 0; index < 4; index += 1) await openapi.GET(fromAddress(address, { path: "/api/v1/openapi.json" }), undefined);
    expect((await openapi.GET(fromAddress(address, { path: "/api/v1/openapi.json" }), undefined)).status).toBe(429);
    const app = await argocdApplication();
    const statuses: number[] = [];
    for (let index = 0; index < 8; index += 1) {
      const copy = structuredClone(app) as { metadata: { uid: string } };
      copy.metadata.uid = `rate-limit-${index}`;
      const request = bearerRequest("argocd", argocdBody(copy, { event: "on-deployed", instance: "prod-eu" }), "argocd-token", { [PEER_ADDRESS_HEADER]: address });
      statuses.push((await argocd.POST(request, undefined)).status);
    }
    expect(statuses).toEqual(Array.from({ length: 8 }, () => 202));
  });
});

describe("/api/auth", () => {
  const signIn = (address: string, email: string) =>
    auth.POST(
      fromAddress(address, {
        path: "/api/auth/sign-in/email",
        method: "POST",
        headers: { "content-type": "application/json", origin: SHIPLOG },
        body: JSON.stringify({ email, password: "not the password" }),
      }),
    );

  it("limits local sign-in attempts per address, across accounts (password spraying), in the sign-in page's error shape", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 2; index += 1) statuses.push((await signIn("203.0.113.30", `sprayed-${index}@shiplog.test`)).status);
    expect(statuses).toEqual([401, 401]);
    const refused = await signIn("203.0.113.30", "sprayed-3@shiplog.test");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body.code).toBe("TOO_MANY_REQUESTS");
    expect(body.message).toContain("SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS");
    // A colleague elsewhere is not affected.
    expect((await signIn("203.0.113.31", "colleague@shiplog.test")).status).toBe(401);
  });

  it("limits the other auth endpoints per address with their own budget", async () => {
    const session = (address: string) => auth.GET(fromAddress(address, { path: "/api/auth/get-session" }));
    expect((await session("203.0.113.30")).status).toBe(200); // the sign-in budget spent above is another
    expect((await session("203.0.113.30")).status).toBe(200);
    const refused = await session("203.0.113.30");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toContain("SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS");
    expect((await session("203.0.113.32")).status).toBe(200);
  });
});
