// The dedicated accept server (`npm run accept`, `shiplog accept` in the image): the webhook
// routes of webhook-routes.ts on plain node:http, without Next.js. Measured on Argo CD
// notifications, Next's routing, request and response objects cost about 2 ms of CPU per
// delivery on top of the 1 ms the work itself takes (docs/performance.md "Accept path"), so a
// fleet's senders are pointed here and the web server keeps its cores for people.
// Besides the webhooks it answers GET /api/health and /api/ready (the probes, as the web server
// answers them) and GET /metrics (bearer SHIPLOG_METRICS_TOKEN, as everywhere). Every other
// path is a 404 that says what is served here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { listen } from "../../http/listen";
import { logger } from "../../log/logger";
import { authorizeScrape } from "../../observability/authorize-scrape";
import { renderMetrics } from "../../observability/render-metrics";
import { readinessResponse } from "../../ops/readiness-response";
import { WEBHOOK_ROUTES, type WebhookRoute } from "./webhook-routes";

export type WebhookServer = { port: number; close: () => Promise<void> };

const WEBHOOK_PATH = /^\/api\/webhooks\/(github|argocd|build|deployments|gitlab|flux)\/?$/;
/** In-flight requests get this long to finish once the server is asked to stop. */
const CLOSE_GRACE_MS = 10_000;

export async function serveWebhooks(options: { port: number; host?: string; metricsToken?: string }): Promise<WebhookServer> {
  const log = logger("accept");
  const server: Server = createServer((request, response) => {
    answer(request, response, options.metricsToken).catch((error: unknown) => {
      // The routes answer every error themselves; this is a fault in the adapter.
      log.error({ err: error, method: request.method, path: request.url }, "the accept server failed to answer");
      if (!response.headersSent) sendJson(response, 500, { error: { code: "internal_error", message: "The accept server failed; its log says why." } });
      else response.destroy();
    });
  });
  // A request too malformed for node:http to parse (or whose headers never finish) gets a 400.
  server.on("clientError", (error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy(error);
  });
  const port = await listen(server, options.port, options.host);
  log.info(`accepting webhooks on port ${port}: POST /api/webhooks/github, /api/webhooks/argocd, /api/webhooks/build, /api/webhooks/deployments, /api/webhooks/gitlab, /api/webhooks/flux`);
  return { port, close: () => close(server) };
}

async function answer(request: IncomingMessage, response: ServerResponse, metricsToken: string | undefined): Promise<void> {
  const path = (request.url ?? "/").split("?")[0]!;
  const method = request.method ?? "GET";
  const webhook = WEBHOOK_PATH.exec(path)?.[1] as WebhookRoute | undefined;
  if (webhook) {
    if (method !== "POST") return sendJson(response, 405, refusal("method_not_allowed", `${path} takes POST only.`), { Allow: "POST" });
    return send(response, await WEBHOOK_ROUTES[webhook](toRequest(request, response), undefined));
  }
  if (path === "/api/health" || path === "/api/ready" || path === "/metrics") {
    if (method !== "GET" && method !== "HEAD") return sendJson(response, 405, refusal("method_not_allowed", `${path} takes GET only.`), { Allow: "GET, HEAD" });
    if (path === "/api/health") return sendJson(response, 200, { status: "ok" });
    if (path === "/api/ready") return send(response, await readinessResponse());
    const refused = authorizeScrape(request.headers.authorization, metricsToken);
    if (refused) return sendText(response, refused.status, refused.message, refused.headers);
    const { contentType, text } = await renderMetrics();
    return sendText(response, 200, text, { "Content-Type": contentType });
  }
  sendJson(
    response,
    404,
    refusal("not_found", `The accept server serves POST /api/webhooks/github, /api/webhooks/argocd, /api/webhooks/build, /api/webhooks/deployments, /api/webhooks/gitlab and /api/webhooks/flux (and /api/health, /api/ready, /metrics); ${path} is on the web server.`),
  );
}

/** The web Request the routes take: the headers as sent, the body streamed, aborted when the client goes away. */
function toRequest(request: IncomingMessage, response: ServerResponse): Request {
  const headers = new Headers();
  for (const [name, values] of Object.entries(request.headersDistinct)) for (const value of values ?? []) headers.append(name, value);
  const aborted = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) aborted.abort();
  });
  // Only the path reaches the routes (metrics labels, logs): the origin is fixed, not the Host header.
  return new Request(new URL(request.url ?? "/", "http://shiplog-accept"), {
    method: request.method,
    headers,
    body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
    signal: aborted.signal,
    // Node's fetch needs this for a streamed body.
    duplex: "half",
  } as RequestInit);
}

async function send(response: ServerResponse, answer: Response): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, { ...Object.fromEntries(answer.headers), "Content-Length": String(body.byteLength) });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(response, status, JSON.stringify(body), { "Content-Type": "application/json", ...headers });
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers });
  response.end(response.req.method === "HEAD" ? undefined : text);
}

function refusal(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Stops taking connections, lets requests in flight finish (up to CLOSE_GRACE_MS), then closes. */
function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
