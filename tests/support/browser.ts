// Browser helpers for tests/e2e/*.spec.ts: Debian's Chromium driven by playwright-core (its own
// browser download cannot reach the internet here), one browser per test file, pages that
// record every console error and failed request, screenshots, and axe-core checks.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type * as Axe from "axe-core";
import { type Browser, type Page, type Request as BrowserRequest, chromium } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import type { Grant } from "../../lib/auth/roles";
import { type TestUser, signIn } from "./sign-in";

const root = path.resolve(import.meta.dirname, "../..");
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** The Chromium to drive: CHROMIUM_PATH, else Debian's package. Never skips when there is none. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, but no such file exists. Point it at a Chromium or Chrome binary.`);
    return configured;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  throw new Error(
    `The browser tests need Chromium and found none at ${DEBIAN_CHROMIUM}. ` +
      "Install it with `apt-get install -y chromium` (as root), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
  );
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
      "--disable-gpu",
      "--disable-dev-shm-usage", // containers often give /dev/shm only 64 MB
      "--no-first-run",
      // Without these Chromium keeps calling Google services the closed network never answers.
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type CheckedPage = {
  page: Page;
  /**
   * Everything that went wrong while the page was open: console errors, uncaught exceptions,
   * requests that failed (except Next cancelling its own RSC fetches, see isCancelledNextFetch)
   * or were answered 4xx/5xx. Tests expect it to be empty.
   */
  problems: string[];
};

export type PageOptions = {
  width?: number;
  height?: number;
  /**
   * Who the page is signed in as: grants (a new user with them is created in the server's
   * database), a user from signIn(), or null for an anonymous page. Default: a fleet-wide viewer.
   */
  as?: Grant[] | TestUser | null;
  /** The system's colour scheme the page sees (prefers-color-scheme). Default: light. */
  colorScheme?: "light" | "dark";
};

const DEFAULT_GRANTS: Grant[] = [{ role: "viewer", teamId: null }];

/**
 * One Chromium for the calling test file, launched before its tests and closed after them.
 * `openPage()` gives a fresh context (own cookies and storage) aimed at the running Shiplog.
 */
export function useBrowser(): { openPage: (options?: PageOptions) => Promise<CheckedPage> } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    openPage: async ({ width = 1280, height = 800, as = DEFAULT_GRANTS, colorScheme = "light" }: PageOptions = {}) => {
      if (!browser) throw new Error("openPage() runs inside tests or hooks of the file that called useBrowser()");
      const baseURL = inject("shiplogUrl");
      const context = await browser.newContext({ baseURL, viewport: { width, height }, colorScheme });
      if (as !== null) {
        const user = Array.isArray(as) ? await signIn(as) : as;
        await context.addCookies(
          user.cookie.split("; ").map((pair) => {
            const [name, ...value] = pair.split("=");
            return { name: name!, value: value.join("="), url: baseURL, httpOnly: true, sameSite: "Lax" as const };
          }),
        );
      }
      const page = await context.newPage();
      return { page, problems: recordProblems(page) };
    },
  };
}

/** What recordProblems knows of a failed request. */
export type FailedRequest = {
  method: string;
  url: string;
  errorText: string;
  /** Playwright's resourceType(): document, script, fetch, xhr, eventsource … */
  resourceType: string;
  /** Still in flight when the main frame started a full navigation. */
  leftBehind: boolean;
};

/**
 * A GET the browser cancelled on the page's behalf, reported by Chromium as net::ERR_ABORTED:
 * no fault of the page, so not a problem. A server that fails answers with a status (recorded
 * by its status) or breaks the connection (ERR_EMPTY_RESPONSE, ERR_CONNECTION_RESET …), never
 * ERR_ABORTED. Cancelled on purpose are:
 * - whatever the page being left was still loading when a full navigation started;
 * - Next's RSC fetches it no longer needs: a soft navigation's stream once the navigation has
 *   committed (vercel/next.js#93802), or a link's prefetch;
 * - script chunks of a document going away (their request may start after the navigation's, so
 *   leftBehind misses them; a chunk really missing is a 404 or a ChunkLoadError);
 * - the page's own fetches and event streams it aborted: React Query cancels a query's request
 *   once nothing observes it any more (a filter changed, the back button), and an EventSource is
 *   closed on unmount. A request the page needed and lost shows as missing data elsewhere.
 */
export function isCancelledByBrowser(request: FailedRequest): boolean {
  if (request.method !== "GET" || request.errorText !== "net::ERR_ABORTED") return false;
  if (request.leftBehind) return true;
  if (["fetch", "xhr", "eventsource"].includes(request.resourceType)) return true;
  try {
    const url = new URL(request.url);
    return url.searchParams.has("_rsc") || url.pathname.startsWith("/_next/static/");
  } catch {
    return false;
  }
}

function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const { url, lineNumber } = message.location();
    problems.push(`console error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught exception: ${error.message}`));
  // A full navigation cancels what the page being left was still loading (scripts, fetches, an
  // event stream): those GETs fail as net::ERR_ABORTED through no fault of the page.
  const inFlight = new Set<BrowserRequest>();
  const leftBehind = new WeakSet<BrowserRequest>();
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      for (const pending of inFlight) leftBehind.add(pending);
    }
    inFlight.add(request);
  });
  page.on("requestfinished", (request) => inFlight.delete(request));
  page.on("requestfailed", (request) => {
    inFlight.delete(request);
    const errorText = request.failure()?.errorText ?? "unknown error";
    const failed = { method: request.method(), url: request.url(), errorText, resourceType: request.resourceType(), leftBehind: leftBehind.has(request) };
    if (isCancelledByBrowser(failed)) return;
    problems.push(`request failed: ${request.method()} ${request.url()}: ${errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

/** Saves a full-page PNG as test-results/screenshots/<name>.png (git-ignored); returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.join(root, "test-results", "screenshots", `${name}.png`);
  await mkdir(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core in the page and lists its serious and critical violations, one line per rule
 * with the offending elements, e.g.
 * `color-contrast (serious): Elements must meet minimum color contrast ratio thresholds: td > span (… contrast of 2.62 …)`.
 * Tests expect an empty list; moderate and minor findings are not failures.
 *
 * One kind of "needs review" counts too: axe measures the contrast of text of one or two
 * characters but only asks for review (it could be an icon font). On a dashboard those are the
 * numbers themselves, so a measured ratio below the required one is reported as a violation.
 */
export async function accessibilityViolations(page: Page, options: Axe.RunOptions = {}): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // Next streams a dynamic page's metadata after its content; give the <title> a moment to
  // arrive so axe judges the finished page (a page that never gets one still fails).
  await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 3_000 }).catch(() => undefined);
  await page.addScriptTag({ content: await axeSource });
  const results = await page.evaluate(
    (runOptions) => (window as unknown as { axe: typeof Axe }).axe.run(document, runOptions),
    { ...options, resultTypes: ["violations", "incomplete"] } satisfies Axe.RunOptions,
  );
  const serious = (result: Axe.Result) => result.impact === "serious" || result.impact === "critical";
  const shortTextBelowContrast = (node: Axe.NodeResult) =>
    node.any.some((check) => {
      const data = check.data as { messageKey?: string; contrastRatio?: number; expectedContrastRatio?: string; fgColor?: string } | null;
      // SVG text (chart axis ticks) comes back with no colours and a ratio of 0: not measured.
      return (
        data?.messageKey === "shortTextContent" &&
        data.fgColor !== undefined &&
        data.contrastRatio !== undefined &&
        data.contrastRatio < Number.parseFloat(data.expectedContrastRatio ?? "0")
      );
    });
  const failing = [
    ...results.violations.filter(serious),
    ...results.incomplete
      .filter((result) => result.id === "color-contrast" && serious(result))
      .map((result) => ({ ...result, nodes: result.nodes.filter(shortTextBelowContrast) }))
      .filter((result) => result.nodes.length > 0),
  ];
  return failing.map((result) => {
    const nodes = result.nodes.map((node) => {
      const check = [...node.any, ...node.all, ...node.none][0];
      const contrast = check?.data as { contrastRatio?: number; expectedContrastRatio?: string; fgColor?: string; bgColor?: string } | null;
      const reason =
        contrast?.contrastRatio !== undefined
          ? `contrast ${contrast.contrastRatio}:1 of ${contrast.fgColor} on ${contrast.bgColor}, needs ${contrast.expectedContrastRatio}`
          : check?.message;
      return `${node.target.join(" ")}${reason ? ` (${reason})` : ""}`;
    });
    return `${result.id} (${result.impact}): ${result.help}: ${nodes.join("; ")}`;
  });
}
