// Secrets never leak: a Shiplog of this file's own, configured with recognisable secret values
// (an Argo CD instance token, a GitHub API token, GitHub webhook secret, Argo CD and CI webhook
// tokens, OIDC and GitHub OAuth client secrets, the auth secret), serves every page and every
// GET /api/v1 route to an admin, error answers (400, 401, 403, 404, webhook refusals, a rollback
// plan whose Argo CD and GitHub calls fail), and the sign-in page to nobody. No answer contains
// any of the secrets, raw or URL-encoded.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_AUTH_SECRET } from "../../lib/auth/auth-secret";
import { createDb } from "../../lib/db/client";
import { seedDemoFleet } from "../../prisma/demo-fleet/seed-demo-fleet";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";

const SECRETS = {
  argocdInstanceToken: "argo-instance-token-LEAKCHECK-7f3a9c",
  githubApiToken: "ghp_LEAKCHECKgithubapitoken0000000000000",
  githubWebhookSecret: "gh-webhook-secret-LEAKCHECK-41b2",
  argocdWebhookToken: "argocd-webhook-token-LEAKCHECK-9d8e",
  buildWebhookToken: "build-webhook-token-LEAKCHECK-5c6d",
  oidcClientSecret: "oidc-client-secret-LEAKCHECK-2e1f",
  githubOauthSecret: "github-oauth-secret-LEAKCHECK-0a9b",
  authSecret: TEST_AUTH_SECRET,
};

let baseUrl: string;
let adminCookie: string;
let viewerCookie: string;
let db: ReturnType<typeof createDb>;
const cleanups: (() => Promise<void>)[] = [];
const checked: string[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_secrets", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  await seedDemoFleet(db, { services: 12, now: new Date("2026-11-24T12:00:00Z"), lanes: 3 });
  const server = await startShiplogServer(database.url, {
    // Nothing listens on port 9: every Argo CD and GitHub call fails, and its error is what is shown.
    ARGOCD_INSTANCES: JSON.stringify([{ name: "leak-check", url: "http://127.0.0.1:9", token: SECRETS.argocdInstanceToken }]),
    ARGOCD_POLL_INTERVAL_SECONDS: "0",
    GITHUB_TOKEN: SECRETS.githubApiToken,
    GITHUB_API_URL: "http://127.0.0.1:9",
    GITHUB_RANGES_INTERVAL_SECONDS: "0",
    GITHUB_WEBHOOK_SECRET: SECRETS.githubWebhookSecret,
    ARGOCD_WEBHOOK_TOKENS: SECRETS.argocdWebhookToken,
    BUILD_WEBHOOK_TOKENS: SECRETS.buildWebhookToken,
    OIDC_ISSUER_URL: "http://127.0.0.1:9/oidc",
    OIDC_CLIENT_ID: "shiplog-leak-check",
    OIDC_CLIENT_SECRET: SECRETS.oidcClientSecret,
    GITHUB_OAUTH_CLIENT_ID: "shiplog-leak-check-gh",
    GITHUB_OAUTH_CLIENT_SECRET: SECRETS.githubOauthSecret,
  });
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  ({ cookie: adminCookie } = await server.signIn([{ role: "admin", teamId: null }]));
  ({ cookie: viewerCookie } = await server.signIn([{ role: "viewer", teamId: null }]));
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

/** Fetches `path` and fails when any secret (raw or URL-encoded) is in the status line's body or headers. */
async function expectNoSecrets(path: string, init: RequestInit & { cookie?: string | null } = {}): Promise<number> {
  const { cookie = adminCookie, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (cookie) headers.set("cookie", cookie);
  if (rest.method && rest.method !== "GET" && !headers.has("origin")) headers.set("origin", baseUrl);
  const response = await fetch(new URL(path, baseUrl), { ...rest, headers, redirect: "manual", signal: AbortSignal.timeout(60_000) });
  const text = `${[...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}\n${await response.text()}`;
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret) || text.includes(encodeURIComponent(secret)), `${rest.method ?? "GET"} ${path} (${response.status}) contains ${name}`).toBe(false);
  }
  checked.push(`${rest.method ?? "GET"} ${path} ${response.status}`);
  return response.status;
}

describe("secrets never leak", () => {
  it("pages, for an admin, a viewer and nobody", async () => {
    const service = await db.service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const release = await db.release.findFirstOrThrow({ orderBy: { id: "asc" } });
    const commit = await db.commit.findFirst({ select: { sha: true } });
    const pages = [
      "/",
      "/timeline",
      "/metrics",
      "/settings/integrations",
      "/settings/users",
      "/settings/tokens",
      "/settings/api-tokens",
      "/audit",
      "/rollbacks",
      "/search?q=a",
      `/services/${service.name}`,
      `/releases/${release.id}`,
      `/commits/${commit?.sha ?? "abc1234"}`,
    ];
    // 200: signed in for real, not a redirect to the sign-in page; a viewer gets the admin
    // pages' 403 (app/forbidden.tsx), which must not leak a secret either.
    const adminOnly = new Set(["/settings/users", "/settings/tokens", "/audit"]);
    for (const page of pages) {
      expect(await expectNoSecrets(page), page).toBe(200);
      expect(await expectNoSecrets(page, { cookie: viewerCookie }), page).toBe(adminOnly.has(page) ? 403 : 200);
    }
    expect(await expectNoSecrets("/services/no-such-service")).toBe(404);
    expect(await expectNoSecrets("/audit?outcome=bogus")).toBe(200);
    expect(await expectNoSecrets("/sign-in", { cookie: null })).toBe(200);
    await expectNoSecrets("/settings/integrations", { cookie: null });
  }, 240_000);

  it("every GET /api/v1 answer and error answer", async () => {
    const service = await db.service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const release = await db.release.findFirstOrThrow({ orderBy: { id: "asc" } });
    const deployment = await db.deployment.findFirstOrThrow({ orderBy: { id: "asc" } });
    const paths = [
      "/api/v1/openapi.json",
      "/api/v1/fleet/matrix",
      "/api/v1/services",
      `/api/v1/services/${service.name}`,
      "/api/v1/applications",
      "/api/v1/deployments",
      `/api/v1/deployments/${deployment.id}`,
      `/api/v1/releases/${release.id}`,
      "/api/v1/commits?q=abc1234",
      "/api/v1/ingestion/health",
      "/api/v1/deliveries",
      "/api/v1/metrics/dora",
      "/api/v1/metrics/definitions",
      "/api/v1/rollbacks",
      "/api/v1/audit",
      "/api/v1/users",
      "/api/v1/webhook-tokens",
    ];
    for (const path of paths) expect(await expectNoSecrets(path), path).toBe(200);
    expect(await expectNoSecrets("/api/v1/deployments?limit=100000")).toBe(400);
    expect(await expectNoSecrets("/api/v1/services/no-such-service")).toBe(404);
    expect(await expectNoSecrets("/api/v1/audit?from=yesterday")).toBe(400);
    expect(await expectNoSecrets("/api/v1/nothing-here")).toBe(404);
    expect(await expectNoSecrets("/api/v1/commits/abc1234")).toBeLessThan(500);
    for (const path of ["/api/v1/audit", "/api/v1/users", "/api/v1/webhook-tokens"]) expect(await expectNoSecrets(path, { cookie: viewerCookie })).toBe(403);
    expect(await expectNoSecrets("/api/v1/services", { cookie: null })).toBe(401);
  }, 120_000);

  it("refused webhooks, refused writes and failing Argo CD and GitHub calls", async () => {
    const json = { "content-type": "application/json" };
    expect(await expectNoSecrets("/api/webhooks/argocd", { method: "POST", cookie: null, headers: { ...json, authorization: "Bearer wrong" }, body: "{}" })).toBe(401);
    expect(await expectNoSecrets("/api/webhooks/build", { method: "POST", cookie: null, headers: { ...json, authorization: `Bearer ${SECRETS.buildWebhookToken}` }, body: "{not json" })).toBe(400);
    expect(await expectNoSecrets("/api/webhooks/github", { method: "POST", cookie: null, headers: { ...json, "x-github-event": "push", "x-github-delivery": "d-1", "x-hub-signature-256": "sha256=00" }, body: "{}" })).toBe(401);
    expect(await expectNoSecrets("/api/v1/webhook-tokens", { method: "POST", headers: { ...json, origin: "https://evil.example" }, body: "{}" })).toBe(403);
    expect(await expectNoSecrets("/api/v1/metrics/definitions", { method: "PUT", headers: json, body: '{"productionEnvironments":["nowhere"]}' })).toBe(400);
    // A rollback plan with a dry run reaches for Argo CD (or GitHub) with the configured credentials, which fail.
    const application = await db.application.findFirstOrThrow({ orderBy: { id: "asc" } });
    const status = await expectNoSecrets("/api/v1/rollbacks/plan", { method: "POST", headers: json, body: JSON.stringify({ scope: { kind: "application", applicationId: application.id }, dryRun: true }) });
    expect(status).toBeLessThan(500);
    // The sign-in flows name the providers but never their client secrets.
    await expectNoSecrets("/api/auth/sign-in/social", { method: "POST", cookie: null, headers: json, body: JSON.stringify({ provider: "github", callbackURL: "/" }) });
    expect(checked.length).toBeGreaterThanOrEqual(8);
  }, 120_000);
});

describe("sign-in returns only to this site", () => {
  // What a signed-in visitor of /sign-in?next=… is redirected to. Each hostile `next` is sent
  // percent-encoded, as a link would carry it; browsers drop tabs and newlines from a Location,
  // so `/<TAB>/evil.example` would land on http://evil.example/.
  const locationOf = async (next: string) => {
    const response = await fetch(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`, { headers: { cookie: adminCookie }, redirect: "manual" });
    expect(response.status, next).toBe(307);
    return new URL(response.headers.get("location")!, baseUrl);
  };

  it("redirects hostile next values home, and same-site paths to themselves, never with a 500", async () => {
    for (const next of ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/sign-in?next=/", "/ \t/evil.example"]) {
      const location = await locationOf(next);
      expect(location.origin, JSON.stringify(next)).toBe(new URL(baseUrl).origin);
      expect(location.pathname, JSON.stringify(next)).toBe("/");
    }
    expect((await locationOf("/timeline?service=a")).href).toBe(`${baseUrl}/timeline?service=a`);
    // An ideographic full stop is a path character: kept, encoded as a Location can carry it.
    expect((await locationOf("/\u3002/x")).pathname).toBe("/%E3%80%82/x");
  });
});
