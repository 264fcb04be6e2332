// The worker process's own HTTP listener (`npm run worker` with SHIPLOG_WORKER_METRICS_PORT):
// GET /metrics, the same scrape as the web's (bearer SHIPLOG_METRICS_TOKEN, 404 without one),
// and GET /healthz, 200 while the process runs, for a liveness probe. node:http, because the
// worker has no web server and needs no more than these two paths.
import { createServer, type Server } from "node:http";
import { listen } from "../http/listen";
import { logger } from "../log/logger";
import { authorizeScrape } from "./authorize-scrape";
import { renderMetrics } from "./render-metrics";

export type WorkerMetricsServer = { port: number; close: () => Promise<void> };

export async function serveWorkerMetrics(options: { port: number; host?: string; token: string | undefined }): Promise<WorkerMetricsServer> {
  const log = logger("worker-metrics");
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://worker").pathname;
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers });
      response.end(request.method === "HEAD" ? undefined : body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") return answer(405, "Only GET and HEAD.\n", { Allow: "GET, HEAD" });
    if (path === "/healthz") return answer(200, "ok\n");
    if (path !== "/metrics") return answer(404, "The worker serves /metrics and /healthz.\n");
    const refusal = authorizeScrape(request.headers.authorization, options.token);
    if (refusal) return answer(refusal.status, refusal.message, refusal.headers);
    renderMetrics().then(
      ({ contentType, text }) => answer(200, text, { "Content-Type": contentType }),
      (error: unknown) => {
        log.error({ err: error }, "a metrics scrape failed");
        answer(500, "The metrics could not be rendered; the worker's log says why.\n");
      },
    );
  });
  const port = await listen(server, options.port, options.host);
  log.info(`serving /metrics and /healthz on port ${port}`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
