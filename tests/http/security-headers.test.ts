// Security headers and the Origin check over real HTTP against `next start` (issue 14, findings
// 4 and 5). Every page carries a strict CSP with a fresh nonce that Next put on its own scripts,
// frame-ancestors 'none' and X-Frame-Options: DENY; pages and API answers alike (the proxy's
// 401, webhooks, health, static files) carry nosniff, Referrer-Policy and Permissions-Policy;
// HSTS only when the public URL is https. A cross-site POST is refused whatever X-Forwarded-Host
// or Host says. That pages still work under the CSP is for tests/e2e/content-security-policy.spec.ts.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { STATIC_SECURITY_HEADERS } from "../../lib/http/security-headers";
import { getDb } from "../../lib/db/client";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { signIn } from "../support/sign-in";

const baseUrl = inject("shiplogUrl");
let admin: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  admin = await signIn([{ role: "admin", teamId: null }]);
});

async function get(path: string, init: RequestInit & { cookie?: string } = {}, base = baseUrl): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  return fetch(new URL(path, base), { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(60_000) });
}

function expectStaticHeaders(response: Response, what: string) {
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) {
    expect(response.headers.get(name), `${what}: ${name}`).toBe(value);
  }
}

/** The nonce of a page's CSP, after checking the policy is the strict one. */
function nonceOf(response: Response): string {
  const policy = response.headers.get("content-security-policy") ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).not.toContain("unsafe-eval");
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)![1]!;
}

describe("security headers over http", () => {
  it("every page: a fresh nonce per answer, which Next put on each of its scripts", async () => {
    const nonces = new Set<string>();
    for (const path of ["/", "/rollbacks", "/timeline", "/metrics", "/settings/users"]) {
      const response = await get(path, { cookie: admin.cookie });
      expect(response.status, path).toBe(200);
      expectStaticHeaders(response, path);
      const nonce = nonceOf(response);
      nonces.add(nonce);
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const script of scripts) expect(script, path).toContain(`nonce="${nonce}"`);
      // Plain http: no HSTS (a browser would ignore it, and a mistaken one locks out http users).
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
    expect(nonces.size).toBe(5);
  });

  it("the sign-in page and the redirect to it, anonymously", async () => {
    const signInPage = await get("/sign-in");
    expect(signInPage.status).toBe(200);
    expectStaticHeaders(signInPage, "/sign-in");
    const nonce = nonceOf(signInPage);
    expect(await signInPage.text()).toContain(`nonce="${nonce}"`);
    const redirect = await get("/rollbacks");
    expect(redirect.status).toBe(307);
    expectStaticHeaders(redirect, "redirect to sign-in");
  });

  it("API answers get the same headers but the CSP: JSON, the proxy's 401, errors, health, webhooks, static files", async () => {
    const answers: [string, Response][] = [
      ["GET /api/v1/services", await get("/api/v1/services", { cookie: admin.cookie })],
      ["GET /api/v1/services without a session", await get("/api/v1/services")],
      ["GET /api/v1/nothing-here", await get("/api/v1/nothing-here", { cookie: admin.cookie })],
      ["GET /api/health", await get("/api/health")],
      ["GET /api/auth/get-session", await get("/api/auth/get-session")],
      ["POST /api/webhooks/argocd", await get("/api/webhooks/argocd", { method: "POST", headers: { authorization: "Bearer wrong", "content-type": "application/json" }, body: "{}" })],
    ];
    expect(answers.map(([what, response]) => `${what} ${response.status}`)).toEqual([
      "GET /api/v1/services 200",
      "GET /api/v1/services without a session 401",
      "GET /api/v1/nothing-here 404",
      "GET /api/health 200",
      "GET /api/auth/get-session 200",
      "POST /api/webhooks/argocd 401",
    ]);
    for (const [what, response] of answers) expectStaticHeaders(response, what);
    const html = await (await get("/sign-in")).text();
    const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

// Issue 14, finding 5: `Origin: https://evil.example` with `X-Forwarded-Host: evil.example`
// approved a rollback and created a role grant.
describe("cross-site writes, whatever the forwarded headers say", () => {
  const forged = (origin: string) => ({ origin, "x-forwarded-host": new URL(origin).host, "x-forwarded-proto": new URL(origin).protocol.replace(":", ""), "content-type": "application/json" });

  it("refuses approving a rollback and granting a role from another origin", async () => {
    const target = await signIn([{ role: "viewer", teamId: null }]);
    const before = await getDb().roleGrant.count({ where: { userId: target.userId } });
    for (const origin of ["https://evil.example", "http://evil.example"]) {
      const grant = await get(`/api/v1/users/${target.userId}/grants`, { method: "POST", cookie: admin.cookie, headers: forged(origin), body: JSON.stringify({ role: "admin", teamId: null }) });
      expect(grant.status, origin).toBe(403);
      expect(await grant.json()).toMatchObject({ error: { code: "forbidden", message: expect.stringContaining("is not Shiplog's own") } });
      const approve = await get("/api/v1/rollbacks/1/approve", { method: "POST", cookie: admin.cookie, headers: { ...forged(origin), host: new URL(origin).host }, body: "{}" });
      expect(approve.status, origin).toBe(403);
    }
    expect(await getDb().roleGrant.count({ where: { userId: target.userId } })).toBe(before);
    // Shiplog's own origin still works (the grant route really was reachable).
    const own = await get(`/api/v1/users/${target.userId}/grants`, { method: "POST", cookie: admin.cookie, headers: { origin: baseUrl, "content-type": "application/json" }, body: JSON.stringify({ role: "engineer", teamId: null }) });
    expect([200, 201]).toContain(own.status);
  });
});

describe("over https (SHIPLOG_PUBLIC_URL https://…)", () => {
  const publicUrl = "https://shiplog.example.test";
  let server: Awaited<ReturnType<typeof startShiplogServer>>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_https", template: inject("templateDatabase") });
    drop = database.drop;
    server = await startShiplogServer(database.url, { SHIPLOG_PUBLIC_URL: publicUrl });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await drop?.();
  });

  it("adds HSTS to pages and API answers, and upgrade-insecure-requests to the CSP", async () => {
    const page = await get("/sign-in", {}, server.url);
    expect(page.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(page.headers.get("content-security-policy")).toMatch(/; upgrade-insecure-requests$/);
    const api = await get("/api/health", {}, server.url);
    expect(api.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("takes its own origin from SHIPLOG_PUBLIC_URL alone", async () => {
    const user = await server.signIn([{ role: "admin", teamId: null }]);
    // Over https the session cookie carries the __Secure- prefix (signIn() named it for plain http).
    const cookie = user.cookie.replace(/(^|; )shiplog\.session_token=/, "$1__Secure-shiplog.session_token=");
    const post = (headers: Record<string, string>) =>
      get(
        "/api/v1/webhook-tokens",
        { method: "POST", cookie, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ name: `origin-check-${Date.now()}`, source: "argocd" }) },
        server.url,
      );
    // The server's own listening address is not where people open it, and forwarded headers change nothing.
    const crossSite: Record<string, string>[] = [
      { origin: server.url },
      { origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
      { origin: "https://evil.example", host: "evil.example" },
    ];
    for (const headers of crossSite) {
      const refused = await post(headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(await refused.text()).toContain("is not Shiplog's own");
    }
    const own = await post({ origin: publicUrl, "x-forwarded-host": "evil.example" });
    expect([200, 201], await own.clone().text()).toContain(own.status);
  });
});
