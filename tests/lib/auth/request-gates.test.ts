// The pure gates: which paths the proxy leaves open, the same-origin rule for state-changing
// requests, where sign-in sends people back to, and SHIPLOG_ROLE_MAPPINGS.
import { describe, expect, it } from "vitest";
import { sameSitePath, signInPath } from "@/app/_auth/require-page-viewer-path";
import { safeNextPath } from "@/app/sign-in/_components/sign-in-messages";
import { assertSameOrigin } from "@/lib/auth/check-origin";
import { mapGroupsToGrants } from "@/lib/auth/role-mappings";
import { routeAccess } from "@/lib/auth/route-access";
import { ConfigError, parseConfig } from "@/lib/env";

describe("routeAccess", () => {
  it.each([
    ["/api/webhooks/argocd", "open"],
    ["/api/webhooks/github", "open"],
    ["/api/health", "open"],
    ["/api/ready", "open"],
    ["/api/auth/sign-in/email", "open"],
    ["/api/auth/callback/oidc", "open"],
    ["/api/v1/openapi.json", "open"],
    ["/sign-in", "open"],
    ["/_next/static/chunks/app.js", "open"],
    ["/icon.svg", "open"],
    ["/favicon.ico", "open"],
    ["/apple-touch-icon.png", "open"],
    ["/icon-192.png", "open"],
    ["/icon-512.png", "open"],
    ["/manifest.webmanifest", "open"],
    ["/robots.txt", "open"],
    ["/api/v1/services", "api"],
    ["/api/v1/deliveries/replay", "api"],
    ["/api/healthz", "api"],
    ["/api/webhooksX", "api"],
    ["/", "page"],
    ["/timeline", "page"],
    ["/sign-in-elsewhere", "page"],
    ["/settings/integrations", "page"],
  ] as const)("%s is %s", (path, access) => {
    expect(routeAccess(path)).toBe(access);
  });
});

describe("assertSameOrigin", () => {
  const post = (headers: Record<string, string>, url = "http://shiplog.test/api/v1/deliveries/replay") => new Request(url, { method: "POST", headers });
  const cookie = "shiplog.session_token=abc.def";
  const unset = { SHIPLOG_PUBLIC_URL: undefined, PORT: 3000 };
  const configured = { SHIPLOG_PUBLIC_URL: "https://shiplog.example.com", PORT: 3000 };

  it("lets Shiplog's own pages through: SHIPLOG_PUBLIC_URL's origin, else the loopback defaults and the server's own URL", () => {
    expect(() => assertSameOrigin(post({ origin: "https://shiplog.example.com", cookie }, "http://10.0.0.5:3000/x"), configured)).not.toThrow();
    expect(() => assertSameOrigin(post({ origin: "http://shiplog.test", cookie }), unset)).not.toThrow();
    expect(() => assertSameOrigin(post({ origin: "http://localhost:3000", cookie }), unset)).not.toThrow();
    expect(() => assertSameOrigin(post({ origin: "http://127.0.0.1:3000", cookie }), unset)).not.toThrow();
  });

  it("refuses another site's Origin, a null Origin, and a missing Origin with a session cookie", () => {
    expect(() => assertSameOrigin(post({ origin: "https://evil.example", cookie }), unset)).toThrow(/Origin https:\/\/evil.example is not Shiplog's own/);
    expect(() => assertSameOrigin(post({ origin: "http://shiplog.test.evil.example", cookie }), unset)).toThrow();
    expect(() => assertSameOrigin(post({ origin: "null", cookie }), unset)).toThrow();
    expect(() => assertSameOrigin(post({ cookie }), unset)).toThrow(/no Origin/);
    expect(() => assertSameOrigin(post({ cookie: `__Secure-${cookie}` }), unset)).toThrow(/no Origin/);
    try {
      assertSameOrigin(post({ origin: "https://evil.example", cookie }), unset);
    } catch (error) {
      expect(error).toMatchObject({ status: 403, code: "forbidden" });
    }
  });

  // Issue 14, finding 5: the allowed origin came from X-Forwarded-Host (or Host), which the sender writes.
  it("never takes Shiplog's origin from X-Forwarded-Host, X-Forwarded-Proto or Host", () => {
    const forged = { origin: "https://evil.example", cookie, host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    expect(() => assertSameOrigin(post(forged), unset)).toThrow(/evil.example is not Shiplog's own/);
    expect(() => assertSameOrigin(post(forged), configured)).toThrow(/evil.example is not Shiplog's own/);
    // With SHIPLOG_PUBLIC_URL set, the server's internal address is not Shiplog's origin either.
    expect(() => assertSameOrigin(post({ origin: "http://shiplog.test", cookie }), configured)).toThrow();
  });

  it("lets a cookie-less request without Origin through (it carries no ambient credentials) and never checks reads", () => {
    expect(() => assertSameOrigin(post({}), unset)).not.toThrow();
    expect(() => assertSameOrigin(new Request("http://shiplog.test/api/v1/services", { headers: { origin: "https://evil.example", cookie } }), unset)).not.toThrow();
  });
});

describe("where sign-in returns to", () => {
  it("keeps same-site paths and drops everything else", () => {
    expect(signInPath("/releases/12?tab=commits")).toBe("/sign-in?next=%2Freleases%2F12%3Ftab%3Dcommits");
    expect(signInPath("/")).toBe("/sign-in");
    expect(signInPath(null)).toBe("/sign-in");
    expect(signInPath("//evil.example/")).toBe("/sign-in");
    expect(signInPath("https://evil.example/")).toBe("/sign-in");
    expect(safeNextPath("/timeline?service=a")).toBe("/timeline?service=a");
    expect(safeNextPath("//evil.example")).toBe("/");
    expect(safeNextPath("/\\evil.example")).toBe("/");
    expect(safeNextPath("https://evil.example")).toBe("/");
    expect(safeNextPath("/sign-in?next=/")).toBe("/");
    expect(safeNextPath(undefined)).toBe("/");
  });

  it("reads next as a browser would: tabs, newlines and other control characters never lead off-site", () => {
    for (const next of ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\u0000/x", "/x\\y", "/\t\t/evil.example"]) {
      expect(safeNextPath(next), JSON.stringify(next)).toBe("/");
      expect(signInPath(next), JSON.stringify(next)).toBe("/sign-in");
    }
    // Characters a Location header cannot carry come back percent-encoded, on this site.
    expect(safeNextPath("/\u3002/x")).toBe("/%E3%80%82/x");
    expect(safeNextPath("/releases/12#commits")).toBe("/releases/12#commits");
    expect(sameSitePath("/a/../b?q=1")).toBe("/b?q=1");
  });
});

describe("SHIPLOG_ROLE_MAPPINGS", () => {
  it("parses mappings and explains a bad one to the operator", () => {
    const settings = parseConfig({ SHIPLOG_ROLE_MAPPINGS: '[{"group":"platform-sre","role":"sre","team":"payments"},{"group":"eng","role":"engineer"}]' });
    expect(settings.SHIPLOG_ROLE_MAPPINGS).toEqual([
      { group: "platform-sre", role: "sre", team: "payments" },
      { group: "eng", role: "engineer" },
    ]);
    expect(() => parseConfig({ SHIPLOG_ROLE_MAPPINGS: '[{"group":"x","role":"superuser"}]' })).toThrow(/SHIPLOG_ROLE_MAPPINGS\.0\.role: role must be one of viewer, engineer, sre, admin/);
    expect(() => parseConfig({ SHIPLOG_ROLE_MAPPINGS: "platform-sre=sre" })).toThrow(/must be a JSON array like/);
    expect(() => parseConfig({ OIDC_ISSUER_URL: "https://idp.example.com" })).toThrow(ConfigError);
    expect(() => parseConfig({ OIDC_ISSUER_URL: "https://idp.example.com", OIDC_CLIENT_ID: "x", OIDC_CLIENT_SECRET: "hidden-value" })).not.toThrow();
  });

  it("maps groups to grants: default viewer, team mappings resolved by slug, unknown teams reported", () => {
    const mappings = [
      { group: "platform-sre", role: "sre" as const, team: "payments" },
      { group: "platform-sre", role: "engineer" as const },
      { group: "ghosts", role: "admin" as const, team: "nope" },
      { group: "admins", role: "admin" as const },
    ];
    const teamIdOf = (slug: string) => (slug === "payments" ? 5 : null);
    expect(mapGroupsToGrants(["platform-sre", "ghosts"], mappings, teamIdOf)).toEqual({
      grants: [
        { role: "viewer", teamId: null },
        { role: "sre", teamId: 5 },
        { role: "engineer", teamId: null },
      ],
      unknownTeams: ["nope"],
    });
    expect(mapGroupsToGrants([], mappings, teamIdOf, "none")).toEqual({ grants: [], unknownTeams: [] });
    expect(mapGroupsToGrants(["admins", "admins"], mappings, teamIdOf, "none").grants).toEqual([{ role: "admin", teamId: null }]);
  });
});
