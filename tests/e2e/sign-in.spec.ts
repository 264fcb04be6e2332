// Sign-in in a real browser against `next start`: an anonymous visit is sent to /sign-in and back
// after signing in, wrong passwords are explained, the header names the person and role,
// cookies are HttpOnly and SameSite=Lax, sign-out ends the server-side session; and over HTTP:
// the API answers 401 without a session, webhooks and health stay open, a cross-site POST is
// refused even with a valid session.
import { describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { signIn } from "../support/sign-in";

const browser = useBrowser();
const baseUrl = inject("shiplogUrl");

describe("signing in with a local account", () => {
  it("sends an anonymous visitor to sign-in, back to the page after signing in, and out again", async () => {
    const user = await signIn([{ role: "engineer", teamId: null }], { name: "Erin Engineer" });
    const { page, problems } = await browser.openPage({ as: null });

    await page.goto("/timeline?environment=production");
    await page.waitForURL((url) => url.pathname === "/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/timeline?environment=production");
    await expect.poll(() => page.getByRole("heading", { name: "Sign in to Shiplog" }).isVisible()).toBe(true);
    // The e2e server configures no identity provider: only the local form.
    expect(await page.getByRole("button", { name: /Sign in with/ }).count()).toBe(0);
    expect(await page.getByTestId("user-menu").count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "sign-in");

    await page.getByRole("textbox", { name: "Email" }).fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill("not the password at all");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "That email and password do not match an account" }).waitFor({ timeout: 10_000 });
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "sign-in-wrong-password");

    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/timeline", { timeout: 10_000 });
    expect(new URL(page.url()).search).toBe("?environment=production");
    const menu = page.getByTestId("user-menu");
    await expect.poll(() => menu.textContent(), { timeout: 10_000 }).toContain("Erin Engineer");
    expect(await menu.textContent()).toContain("engineer");

    const [session] = (await page.context().cookies()).filter((cookie) => cookie.name === "shiplog.session_token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
    expect(await getDb().session.count({ where: { userId: user.userId } })).toBe(2); // signIn()'s and the browser's

    await menu.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/sign-in", { timeout: 10_000 });
    expect(await getDb().session.count({ where: { userId: user.userId } })).toBe(1);
    // The old cookie value no longer opens pages, even if a browser kept it.
    await page.context().addCookies([{ ...session!, expires: -1 }]);
    await page.goto("/metrics");
    await page.waitForURL((url) => url.pathname === "/sign-in", { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get("next")).toBe("/metrics");

    // The one expected failure: the wrong password's 401 (and Chromium's console line about it).
    // Signing in and out are full navigations, which cancel what the page being left was still
    // loading (scripts, link prefetches, the timeline's event stream): GETs aborted, not faults.
    const leftBehind = (problem: string) => /^request failed: GET .* net::ERR_ABORTED$/.test(problem);
    expect(problems.filter((problem) => !/401/.test(problem) && !leftBehind(problem))).toEqual([]);
    expect(problems).toContain(`HTTP 401: POST ${baseUrl}/api/auth/sign-in/email`);
    await page.context().close();
  });

  it("shows a viewer's own role in the header", async () => {
    const { page, problems } = await browser.openPage({ as: [{ role: "viewer", teamId: null }] });
    await page.goto("/");
    await expect.poll(() => page.getByTestId("user-menu").textContent()).toMatch(/viewer/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("over HTTP", () => {
  it("answers the API 401 without a session, and leaves webhooks, health and readiness open", async () => {
    const api = await fetch(new URL("/api/v1/services", baseUrl));
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: "unauthorized" } });

    const page = await fetch(new URL("/releases/1", baseUrl), { redirect: "manual" });
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/sign-in\?next=%2Freleases%2F1$/);

    expect((await fetch(new URL("/api/health", baseUrl))).status).toBe(200);
    expect((await fetch(new URL("/api/ready", baseUrl))).status).toBe(200);
    // The webhook answers with its own credential check, not the sign-in redirect.
    const webhook = await fetch(new URL("/api/webhooks/argocd", baseUrl), { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(webhook.status).toBe(401);
    expect(((await webhook.json()) as { error: { message: string } }).error.message).not.toMatch(/Sign in/);
  });

  it("answers 401 for a cookie that is no session, checked by the handler itself", async () => {
    const response = await fetch(new URL("/api/v1/services", baseUrl), { headers: { cookie: "shiplog.session_token=made-up.value" } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized", message: expect.stringContaining("neither a valid session nor a token") } });
  });

  it("refuses a cross-site POST even with a valid engineer session, and one without Origin", async () => {
    const { cookie } = await signIn([{ role: "engineer", teamId: null }]);
    // A delivery id that does not exist: past the checks the handler answers 404 and changes nothing.
    const url = new URL("/api/v1/deliveries/987654321/replay", baseUrl);
    const crossSite = await fetch(url, { method: "POST", headers: { cookie, origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    const noOrigin = await fetch(url, { method: "POST", headers: { cookie } });
    expect(noOrigin.status).toBe(403);
    const sameSite = await fetch(url, { method: "POST", headers: { cookie, origin: new URL(baseUrl).origin } });
    expect(sameSite.status).toBe(404);
  });
});
