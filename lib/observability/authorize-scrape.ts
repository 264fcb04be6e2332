// Who may read /metrics: whoever sends `Authorization: Bearer <SHIPLOG_METRICS_TOKEN>`. With no
// token configured the endpoint is off and answers 404 naming the setting: metrics reveal the
// fleet's traffic and a forgotten open endpoint is worse than a scraper told what to set. A
// wrong or missing token answers 401. Pure, so the web route and the worker's listener share it.
import { createHash, timingSafeEqual } from "node:crypto";

export type ScrapeRefusal = { status: 401 | 404; message: string; headers: Record<string, string> };

export function authorizeScrape(authorization: string | null | undefined, token: string | undefined): ScrapeRefusal | null {
  if (!token) {
    return { status: 404, message: "Metrics are off: set SHIPLOG_METRICS_TOKEN and scrape with Authorization: Bearer <that token>.\n", headers: {} };
  }
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (given === undefined || !sameSecret(given, token)) {
    return {
      status: 401,
      message: "Scraping /metrics needs Authorization: Bearer <SHIPLOG_METRICS_TOKEN>.\n",
      headers: { "WWW-Authenticate": 'Bearer realm="shiplog-metrics"' },
    };
  }
  return null;
}

// Hashed first so the comparison takes the same time whatever the lengths.
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
