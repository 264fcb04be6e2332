// Issue 16's two new API routes over real HTTP against the shared `next start`: the search
// suggestions (401 JSON without a session, 400 naming the parameter, a seeded service as its own
// first suggestion) and changing one's password (cross-site refused, the new password signs in
// at /api/auth/sign-in/email, Better Auth's own /change-password is gone).
import { describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { signIn } from "../support/sign-in";

const baseUrl = inject("shiplogUrl");
const origin = new URL(baseUrl).origin;

describe("GET /api/v1/search/suggestions", () => {
  it("answers 401 without a session, 400 without q, and ranks a service's exact name first", { timeout: 120_000 }, async () => {
    const anonymous = await fetch(new URL("/api/v1/search/suggestions?q=a", baseUrl));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });

    const { cookie } = await signIn([{ role: "viewer", teamId: null }]);
    const missing = await fetch(new URL("/api/v1/search/suggestions", baseUrl), { headers: { cookie } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("bad_request");

    const service = await getDb().service.findFirstOrThrow({ orderBy: { name: "asc" }, include: { team: true } });
    const answer = await fetch(new URL(`/api/v1/search/suggestions?q=${encodeURIComponent(service.name.toUpperCase())}`, baseUrl), { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const body = (await answer.json()) as { items: { kind: string; label: string; detail: string; href: string }[] };
    expect(body.items[0]).toEqual({ kind: "service", label: service.name, detail: service.team?.name ?? "no team", href: `/services/${encodeURIComponent(service.name)}` });
    // The service's latest releases follow its services.
    const latest = await getDb().release.findFirst({ where: { serviceId: service.id }, orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }] });
    if (latest) expect(body.items.find((item) => item.kind === "release")?.href).toBe(`/releases/${latest.id}`);
  });
});

describe("POST /api/v1/account/password", () => {
  it("refuses a cross-site request, changes the password from Shiplog's own origin, and Better Auth's own route is gone", { timeout: 120_000 }, async () => {
    const user = await signIn([{ role: "viewer", teamId: null }]);
    const body = JSON.stringify({ currentPassword: user.password, newPassword: "changed over http" });
    const post = (path: string, from: string) =>
      fetch(new URL(path, baseUrl), { method: "POST", headers: { cookie: user.cookie, origin: from, "content-type": "application/json" }, body });

    expect((await post("/api/v1/account/password", "https://evil.example")).status).toBe(403);
    expect((await post("/api/auth/change-password", origin)).status).toBe(404);
    const changed = await post("/api/v1/account/password", origin);
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await changed.json()).toEqual({ otherSessionsEnded: false });

    const signInWith = (password: string) =>
      fetch(new URL("/api/auth/sign-in/email", baseUrl), { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ email: user.email, password }) });
    expect((await signInWith("changed over http")).status).toBe(200);
  });
});
