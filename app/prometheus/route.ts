// GET /metrics (the proxy rewrites a scraper's request here; lib/observability/is-metrics-scrape.ts):
// this web process's metrics in Prometheus' text format, for `Authorization: Bearer
// <SHIPLOG_METRICS_TOKEN>` only (docs/observability.md).
import { config } from "@/lib/env";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { authorizeScrape } from "@/lib/observability/authorize-scrape";
import { renderMetrics } from "@/lib/observability/render-metrics";

export const dynamic = "force-dynamic";

export const GET = withErrorHandling(async (request) => {
  const refusal = authorizeScrape(request.headers.get("authorization"), config().SHIPLOG_METRICS_TOKEN);
  if (refusal) {
    return new Response(refusal.message, {
      status: refusal.status,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...refusal.headers },
    });
  }
  const { contentType, text } = await renderMetrics();
  return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
});
