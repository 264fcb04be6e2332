// Browser: the fleet page (/, every service, no grouping) in Debian's Chromium driven by
// playwright-core, signed in as the bench admin. Per viewport: the main thread's script time
// until the first render has settled (CDP Performance.getMetrics ScriptDuration of a fresh page,
// read once the network is idle: server-rendered rows, hydration, the first matrix windows), for
// a cold load and then warm ones (the browser's cache and V8's code cache filled); and how many
// matrix rows are in the DOM against how many can be seen.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { percentile } from "../load";
import type { BenchContext, Measurement, Scenario } from "../scenario";

const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
];
/** Warm loads per viewport; the tiny run of `npm test` only proves the measurement works. */
const WARM_LOADS: Record<string, number> = { tiny: 2 };
const DEFAULT_WARM_LOADS = 5;
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export const scenario: Scenario = {
  id: "browser-fleet",
  title: "Browser: fleet page",
  run: async (context) => {
    const executablePath = process.env.CHROMIUM_PATH ?? DEBIAN_CHROMIUM;
    if (!existsSync(executablePath)) {
      throw new Error(`No Chromium at ${executablePath}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`);
    }
    // The flags tests/support/browser.ts launches with (that module needs vitest, so not imported).
    const browser = await chromium.launch({
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const measurements: Measurement[] = [];
      for (const viewport of VIEWPORTS) measurements.push(...(await measureViewport(context, browser, viewport)));
      return measurements;
    } finally {
      await browser.close();
    }
  },
};

async function measureViewport(context: BenchContext, browser: Browser, viewport: { width: number; height: number }): Promise<Measurement[]> {
  const size = `${viewport.width}×${viewport.height}`;
  const warmLoads = WARM_LOADS[context.size.name] ?? DEFAULT_WARM_LOADS;
  const page = await browser.newContext({ viewport });
  try {
    await page.addCookies(sessionCookies(context));
    const cold = await loadFleetPage(context, page);
    const warm: number[] = [];
    let rows = cold.rows;
    for (let load = 0; load < warmLoads; load += 1) {
      const measured = await loadFleetPage(context, page);
      warm.push(measured.scriptMs);
      rows = measured.rows;
    }
    return [
      {
        scenario: "browser: fleet page",
        metric: `scripting for first render, warm p50, ${size}`,
        unit: "ms",
        baseline: null,
        shiplog: percentile(warm, 50),
        target: { op: "<=", value: 200, of: "shiplog" },
        note:
          `Chromium ScriptDuration (CDP Performance.getMetrics) of a fresh tab from navigation to network idle on /, p50 of ${warmLoads} warm loads ` +
          `(browser cache and code cache filled); the cold first load took ${cold.scriptMs.toFixed(0)} ms. Fleet of ${context.size.services} services.`,
      },
      {
        scenario: "browser: fleet page",
        metric: `DOM rows ÷ visible rows, ${size}`,
        unit: "×",
        baseline: null,
        shiplog: rows.visible === 0 ? null : rows.inDom / rows.visible,
        target: { op: "<=", value: 2, of: "shiplog" },
        note:
          `${rows.inDom} matrix rows (and group headers) in the DOM of ${rows.total} in the matrix; ${rows.visible} at least partly visible with the matrix scrolled into view` +
          (rows.visibleAtLoad < rows.visible ? ` (${rows.visibleAtLoad} before scrolling: at this height the lower part of the matrix's box starts below the fold).` : "."),
      },
    ];
  } finally {
    await page.close();
  }
}

type RowCount = { inDom: number; visible: number; total: number };
/** Rows as the page first paints, and once the reader has scrolled the matrix into view. */
type FleetPageLoad = { scriptMs: number; rows: RowCount & { visibleAtLoad: number } };

async function loadFleetPage(context: BenchContext, browserContext: BrowserContext): Promise<FleetPageLoad> {
  const page = await browserContext.newPage();
  try {
    const cdp = await browserContext.newCDPSession(page);
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    const response = await page.goto(`${context.shiplogUrl}/`, { waitUntil: "networkidle", timeout: 60_000 });
    if (!response?.ok()) throw new Error(`GET / answered ${response?.status()}`);
    await page.locator("[data-testid=matrix-scroll] [role=row][data-service]").first().waitFor({ timeout: 30_000 });
    const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
    const scriptSeconds = metrics.find((metric) => metric.name === "ScriptDuration")?.value ?? Number.NaN;
    // Rows the reader can see: inside the matrix's scroll box and inside the window. Counted as
    // the page first paints, and again with the matrix scrolled into view, as a reader looking at
    // it sees it (at 1280×800 the box starts low enough that its lower part is below the fold).
    const countRows = () =>
      page.evaluate(() => {
        const scroller = document.querySelector("[data-testid=matrix-scroll]");
        const table = scroller?.querySelector("[role=table]");
        const box = scroller?.getBoundingClientRect();
        const rendered = [...(scroller?.querySelectorAll("[role=rowgroup] + [role=rowgroup] > [role=row]") ?? [])];
        // No named helpers in here: tsx would wrap them in a __name() the page does not have.
        let visible = 0;
        for (const row of rendered) {
          const rect = row.getBoundingClientRect();
          if (box === undefined || rect.height === 0 || rect.bottom <= Math.max(box.top, 0) || rect.top >= box.bottom) continue;
          if (rect.top < window.innerHeight) visible += 1;
        }
        // aria-rowcount counts the header row too.
        return { inDom: rendered.length, visible, total: Number(table?.getAttribute("aria-rowcount") ?? 1) - 1 };
      });
    const atLoad = await countRows();
    await page.locator("[data-testid=matrix-scroll]").evaluate((scroller) => scroller.scrollIntoView({ block: "nearest" }));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const inView = await countRows();
    const rows = { ...inView, visibleAtLoad: atLoad.visible };
    return { scriptMs: scriptSeconds * 1000, rows };
  } finally {
    await page.close();
  }
}

/** The bench admin's session cookie header as browser cookies for Shiplog's origin. */
function sessionCookies(context: BenchContext) {
  return context.cookie
    .split(/;\s*/)
    .filter((pair) => pair.includes("="))
    .map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: context.shiplogUrl };
    });
}
