// Single sign-on end to end over HTTP: a real OpenID provider (oidc-provider) and a fake GitHub
// on loopback ports, Shiplog's auth endpoints called as the browser would (sign-in request,
// the provider's redirects and forms, the callback), then the session used on the API. Checks
// the group → role mapping at each sign-in (idp grants replaced, manual grants kept).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "@/lib/auth/get-auth";
import { forgetGrants } from "@/lib/auth/read-grants";
import { readViewer } from "@/lib/auth/read-viewer";
import { withSignInGroups } from "@/lib/auth/sign-in-groups";
import { getDb } from "@/lib/db/client";
import { parseConfig } from "@/lib/env";
import { CookieJar, signInThrough, startOidcIssuer } from "../../support/oidc-issuer";

const shiplog = "http://shiplog.test";
const db = getDb();
const mappings = [
  { group: "platform-sre", role: "sre", team: "payments" },
  { group: "shiplog-admins", role: "admin" },
  { group: "eng", role: "engineer" },
];

let oidc: Awaited<ReturnType<typeof startOidcIssuer>>;
let github: Awaited<ReturnType<typeof startFakeGithub>>;
let auth: ReturnType<typeof createAuth>;
let paymentsId: number;

beforeAll(async () => {
  paymentsId = (await db.team.create({ data: { slug: "payments", name: "Payments" } })).id;
  oidc = await startOidcIssuer({ clientId: "shiplog", clientSecret: "oidc-test-secret", redirectUri: `${shiplog}/api/auth/callback/oidc` });
  github = await startFakeGithub();
  const settings = parseConfig({
    ...process.env,
    SHIPLOG_PUBLIC_URL: shiplog,
    OIDC_ISSUER_URL: oidc.issuer,
    OIDC_CLIENT_ID: "shiplog",
    OIDC_CLIENT_SECRET: "oidc-test-secret",
    OIDC_DISPLAY_NAME: "Test IdP",
    GITHUB_OAUTH_CLIENT_ID: "gh-client",
    GITHUB_OAUTH_CLIENT_SECRET: "gh-secret",
    GITHUB_OAUTH_URL: github.url,
    SHIPLOG_ROLE_MAPPINGS: JSON.stringify([...mappings, { group: "acme/sre", role: "sre" }]),
  });
  auth = createAuth(db, settings);
});

afterAll(async () => {
  await oidc?.stop();
  await github?.stop();
});

/** One request to Shiplog's auth endpoints, as app/api/auth/[...all]/route.ts serves it. */
async function callAuth(path: string, jar: CookieJar, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const url = `${shiplog}${path}`;
  const headers = new Headers({ cookie: jar.header(url) });
  if (init.body !== undefined) headers.set("content-type", "application/json");
  if (init.method === "POST") headers.set("origin", shiplog);
  const response = await withSignInGroups(() =>
    auth.handler(new Request(url, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) })),
  );
  jar.store(url, response.headers);
  return response;
}

/** The whole sign-in through `provider`; returns the jar holding Shiplog's session cookie and the callback's answer. */
async function signInWith(provider: "oidc" | "github", login: string) {
  const jar = new CookieJar();
  const start = await callAuth("/api/auth/sign-in/social", jar, { method: "POST", body: { provider, callbackURL: "/timeline", errorCallbackURL: "/sign-in" } });
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  const callback = await signInThrough(url, login, jar, shiplog);
  const answer = await callAuth(new URL(callback).pathname + new URL(callback).search, jar);
  return { jar, answer };
}

async function viewerOf(jar: CookieJar) {
  forgetGrants();
  return readViewer(new Headers({ cookie: jar.header(shiplog) }));
}

describe("OpenID Connect sign-in against a real provider", () => {
  it("signs a person in, maps their groups to roles, and replaces those roles at the next sign-in", async () => {
    oidc.people.set("alice", { email: "alice@example.com", name: "Alice Doe", groups: ["platform-sre", "unmapped-group"] });
    const first = await signInWith("oidc", "alice");
    expect(first.answer.status).toBe(302);
    expect(first.answer.headers.get("location")).toBe("/timeline");

    const viewer = await viewerOf(first.jar);
    expect(viewer).toMatchObject({ email: "alice@example.com", name: "Alice Doe" });
    expect(viewer!.grants).toEqual(
      expect.arrayContaining([
        { role: "viewer", teamId: null },
        { role: "sre", teamId: paymentsId },
      ]),
    );
    expect(viewer!.grants).toHaveLength(2);
    const rows = await db.roleGrant.findMany({ where: { userId: viewer!.id }, orderBy: { id: "asc" } });
    expect(rows.map((row) => [row.role, row.teamId, row.source, row.group])).toEqual([
      ["viewer", null, "idp", null],
      ["sre", paymentsId, "idp", "platform-sre"],
    ]);
    const account = await db.account.findFirstOrThrow({ where: { userId: viewer!.id } });
    expect(account).toMatchObject({ providerId: "oidc", accountId: "alice" });
    // The provider's access token is not stored readable (the ID token is: it is no credential for an API).
    expect(account.accessToken).not.toBeNull();
    expect(account.accessToken).toMatch(/^[0-9a-f]{60,}$/); // Better Auth's symmetric encryption, hex

    // An admin gave Alice engineer by hand; she leaves platform-sre and joins shiplog-admins.
    await db.roleGrant.create({ data: { userId: viewer!.id, role: "engineer", teamId: null, source: "manual" } });
    oidc.people.set("alice", { email: "alice@example.com", name: "Alice Doe", groups: ["shiplog-admins"] });
    const second = await signInWith("oidc", "alice");
    expect(second.answer.status).toBe(302);
    const again = await viewerOf(second.jar);
    expect(again!.id).toBe(viewer!.id);
    const after = await db.roleGrant.findMany({ where: { userId: viewer!.id }, orderBy: { id: "asc" } });
    expect(after.map((row) => [row.role, row.teamId, row.source])).toEqual([
      ["engineer", null, "manual"],
      ["viewer", null, "idp"],
      ["admin", null, "idp"],
    ]);
    // Her first session still works and now carries the new roles (read from the database, not the cookie).
    expect((await viewerOf(first.jar))!.grants).toEqual(expect.arrayContaining([{ role: "admin", teamId: null }]));
    expect((await viewerOf(first.jar))!.grants).not.toEqual(expect.arrayContaining([{ role: "sre", teamId: paymentsId }]));
  });

  it("sends the person back to sign-in with a reason when they refuse at the provider", async () => {
    const jar = new CookieJar();
    const start = await callAuth("/api/auth/sign-in/social", jar, { method: "POST", body: { provider: "oidc", callbackURL: "/", errorCallbackURL: "/sign-in" } });
    const { url } = (await start.json()) as { url: string };
    // The provider's own cancel link, as a person clicking "cancel" would follow it.
    const first = await fetch(url, { redirect: "manual" });
    jar.store(url, first.headers);
    const interaction = new URL(first.headers.get("location")!, url).toString();
    const abort = await fetch(`${interaction}/abort`, { redirect: "manual", headers: { cookie: jar.header(url) } });
    jar.store(url, abort.headers);
    const callback = await signInThrough(new URL(abort.headers.get("location")!, url).toString(), "nobody", jar, shiplog);
    const answer = await callAuth(new URL(callback).pathname + new URL(callback).search, jar);
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toMatch(/^\/sign-in\?error=access_denied/);
    expect(jar.header(shiplog)).not.toContain("session_token");
  });
});

describe("GitHub sign-in against a fake GitHub (GITHUB_OAUTH_URL)", () => {
  it("signs a person in with their verified email, and maps org/team groups", async () => {
    const { jar, answer } = await signInWith("github", "octo");
    expect(answer.status).toBe(302);
    const viewer = await viewerOf(jar);
    expect(viewer).toMatchObject({ email: "octo@acme.test", name: "Octo Cat" });
    expect(viewer!.grants).toEqual(expect.arrayContaining([{ role: "viewer", teamId: null }, { role: "sre", teamId: null }]));
    expect(github.tokensAsked).toEqual([{ client_id: "gh-client", code: "code-for-octo" }]);
    const account = await db.account.findFirstOrThrow({ where: { userId: viewer!.id } });
    expect(account).toMatchObject({ providerId: "github", accountId: "4242" });
    expect(account.accessToken).not.toBe("gho_octo");
  });
});

/** Just enough of GitHub's OAuth and REST API for sign-in, on a loopback port (Enterprise Server paths). */
async function startFakeGithub() {
  const tokensAsked: Array<{ client_id: string; code: string }> = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url!, "http://localhost");
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === "/login/oauth/authorize") {
      // Already signed in at GitHub and the app authorized: straight back with a code.
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", "code-for-octo");
      back.searchParams.set("state", url.searchParams.get("state")!);
      response.writeHead(302, { location: back.toString() });
      response.end();
      return;
    }
    if (url.pathname === "/login/oauth/access_token" && request.method === "POST") {
      let body = "";
      for await (const chunk of request) body += chunk;
      const form = new URLSearchParams(body);
      tokensAsked.push({ client_id: form.get("client_id")!, code: form.get("code")! });
      if (form.get("client_secret") !== "gh-secret") return json(401, { error: "incorrect_client_credentials" });
      return json(200, { access_token: "gho_octo", token_type: "bearer", scope: "read:user,user:email,read:org" });
    }
    if (request.headers.authorization !== "Bearer gho_octo") return json(401, { message: "Bad credentials" });
    switch (url.pathname) {
      case "/api/v3/user":
        return json(200, { id: 4242, login: "octo", name: "Octo Cat", email: null });
      case "/api/v3/user/emails":
        return json(200, [
          { email: "octo@users.noreply.test", primary: false, verified: true },
          { email: "octo@acme.test", primary: true, verified: true },
        ]);
      case "/api/v3/user/orgs":
        return json(200, [{ login: "acme" }]);
      case "/api/v3/user/teams":
        return json(200, [{ slug: "sre", organization: { login: "acme" } }]);
      default:
        return json(404, { message: "Not Found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokensAsked,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
