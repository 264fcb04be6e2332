// /metrics is two things: the DORA page (app/metrics/page.tsx) for a person's browser, and the
// Prometheus endpoint for a scraper. The proxy tells them apart by what the request asks for: a
// browser loading the page asks for text/html, Next's client-side navigation and prefetches
// (RSC) and server actions (Next-Action, POST) are the page's own, and so is anything carrying a
// session cookie without a bearer token; Prometheus sends GET with a bearer token and no cookie
// and asks for text/plain or OpenMetrics; curl asks for */*. Every other GET is
// rewritten to the scrape handler at SCRAPE_PATH, outside app/api because /metrics is not part
// of the JSON API its OpenAPI document describes. Asked for directly, /prometheus is a page path
// behind the session gate, and its handler wants the token all the same.
export const SCRAPE_PATH = "/prometheus";

const PAGE_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-action"];

export function isMetricsScrape(
  method: string,
  pathname: string,
  headers: Headers,
  hasSessionCookie: boolean,
  searchParams: URLSearchParams = new URLSearchParams(),
): boolean {
  if (pathname !== "/metrics" || (method !== "GET" && method !== "HEAD")) return false;
  // A prefetch from a signed-out page (the sign-in page's links) may carry only Next's `_rsc` cache key.
  if (PAGE_HEADERS.some((name) => headers.has(name)) || searchParams.has("_rsc")) return false;
  if (headers.has("authorization")) return true;
  if (hasSessionCookie) return false;
  return !(headers.get("accept") ?? "").includes("text/html");
}
