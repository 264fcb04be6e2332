// /metrics is two things: the DORA page (app/metrics/page.tsx) for a person's browser, and the
// Prometheus endpoint for a scraper. A request is a scrape when it carries a bearer token (the
// metrics token; Prometheus and `curl -H "Authorization: Bearer …"`), or asks for what only a
// scraper asks for: the OpenMetrics or Prometheus text format (Prometheus without its token then
// hears which setting it lacks). Everything else is the page's: a browser's navigation, and Next's
// own prefetches and client-side navigations, which cannot be told apart by their headers here
// (Next strips its `rsc` and router headers, and the `_rsc` key, before the proxy sees the
// request) and which, after a sign-out, arrive with no cookie and `Accept: */*`. Scrapes are
// rewritten to the handler at SCRAPE_PATH, outside app/api because /metrics is not part of the
// JSON API its OpenAPI document describes. Asked for directly, /prometheus is a page path behind
// the session gate, and its handler wants the token all the same.
export const SCRAPE_PATH = "/prometheus";

const PAGE_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-action"];

export function isMetricsScrape(method: string, pathname: string, headers: Headers): boolean {
  if (pathname !== "/metrics" || (method !== "GET" && method !== "HEAD")) return false;
  if (PAGE_HEADERS.some((name) => headers.has(name))) return false;
  if (headers.has("authorization")) return true;
  const accept = (headers.get("accept") ?? "").toLowerCase();
  return accept.includes("application/openmetrics-text") || accept.includes("text/plain");
}
