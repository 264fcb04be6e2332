// Every page under the strict CSP in a real Chromium (issue 14, finding 4): no CSP violation
// anywhere (each page also records them through `securitypolicyviolation`, which catches
// reports a console line might word differently), the charts (recharts) drawn, Tailwind's
// styles applied, React hydrated (client components respond), the sign-in form signs in; and a
// page on a sibling origin (same site, so the Lax cookie is sent) cannot frame /rollbacks.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { useBrowser } from "../support/browser";
import { signIn } from "../support/sign-in";

const browser = useBrowser();
const baseUrl = inject("shiplogUrl");

/** Collects CSP violations of the page and its frames from the first script on. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return () => page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

/** What a page showing a CSP refusal in the console looks like. */
const cspConsole = /Content Security Policy|Refused to (load|execute|apply|frame|connect)/;

describe("pages under the Content-Security-Policy", () => {
  it("every page renders, hydrates and draws its charts with no CSP violation", async () => {
    const { page, problems } = await browser.openPage({ as: [{ role: "admin", teamId: null }] });
    const violations = await recordViolations(page);
    const db = getDb();
    const service = await db.service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const release = await db.release.findFirstOrThrow({ orderBy: { id: "asc" } });
    const commit = await db.commit.findFirstOrThrow({ select: { sha: true }, orderBy: { sha: "asc" } });
    const pages = [
      "/",
      "/timeline",
      "/metrics",
      "/rollbacks",
      "/settings/integrations",
      "/settings/users",
      "/settings/tokens",
      "/settings/api-tokens",
      "/audit",
      "/search?q=a",
      `/services/${encodeURIComponent(service.name)}`,
      `/releases/${release.id}`,
      `/commits/${commit.sha}`,
    ];
    for (const path of pages) {
      const response = await page.goto(path, { waitUntil: "networkidle" });
      expect(response?.status(), path).toBe(200);
      expect(response?.headers()["content-security-policy"], path).toContain("'strict-dynamic'");
      // Hydrated: React attached its fiber to the body's elements, which only its scripts do.
      await expect
        .poll(() => page.evaluate(() => Object.keys(document.querySelector("header") ?? {}).some((key) => key.startsWith("__react"))), { timeout: 15_000 })
        .toBe(true);
      // Tailwind's stylesheet applied: the header's bottom border is zinc-200, not the browser default.
      expect(await page.evaluate(() => getComputedStyle(document.querySelector("header")!).borderBottomColor), path).not.toBe("rgb(0, 0, 0)");
      expect(await violations(), path).toEqual([]);
    }

    // recharts draws under the policy (the DORA trends sit at the top of /metrics).
    await page.goto("/metrics", { waitUntil: "networkidle" });
    await page.locator("svg.recharts-surface").first().waitFor({ timeout: 15_000 });
    // A client-side navigation (React Query hydrated from the server's first answer, RSC fetches).
    await page.getByRole("link", { name: "Timeline" }).first().click();
    await page.waitForURL((url) => url.pathname === "/timeline");
    await page.waitForLoadState("networkidle");
    expect(await violations()).toEqual([]);
    expect(problems.filter((problem) => cspConsole.test(problem))).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it("the sign-in form signs in under the policy", async () => {
    const user = await signIn([{ role: "viewer", teamId: null }]);
    const { page, problems } = await browser.openPage({ as: null });
    const violations = await recordViolations(page);
    await page.goto("/sign-in?next=/rollbacks");
    await page.getByRole("textbox", { name: "Email" }).fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/rollbacks", { timeout: 15_000 });
    await page.waitForLoadState("networkidle");
    expect(await violations()).toEqual([]);
    const leftBehind = (problem: string) => /^request failed: GET .* net::ERR_ABORTED$/.test(problem);
    expect(problems.filter((problem) => !leftBehind(problem))).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe("framing", () => {
  // A sibling origin: same host, another port. Same site, so the browser sends the Lax session cookie.
  const attacker = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(`<!doctype html><title>Win a prize</title><iframe id="victim" src="${baseUrl}/rollbacks" width="1000" height="700"></iframe>`);
  });
  afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

  it("a page on a sibling origin cannot frame a signed-in /rollbacks", async () => {
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    const { page, problems } = await browser.openPage({ as: [{ role: "sre", teamId: null }] });
    const framed = page.waitForResponse((response) => response.url() === `${baseUrl}/rollbacks`);
    await page.goto(attackerUrl);
    // The browser did fetch the page, with the cookie (200, not a redirect to sign-in) …
    expect((await framed).status()).toBe(200);
    // … and refused to show it: the frame holds Chromium's error page, not Shiplog.
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(frame).toBeDefined();
    await expect.poll(() => frame!.url(), { timeout: 10_000 }).toMatch(/^chrome-error:/);
    expect(await frame!.locator("text=Rollbacks").count()).toBe(0);
    expect(problems.some((problem) => /frame-ancestors|X-Frame-Options/i.test(problem)), problems.join("\n")).toBe(true);
    await page.context().close();
  }, 60_000);
});
