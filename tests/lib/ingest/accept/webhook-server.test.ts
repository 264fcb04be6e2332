// The dedicated accept server over a real socket, with real payloads and a real database: it
// stores exactly what the web server's routes store (same rows, same answers: the routes are one
// definition, so what is checked here is the node:http adapter: headers, body bytes, status,
// refusals), answers the probes and nothing else, survives a client hanging up mid-upload, and
// lets requests in flight finish when it stops. The last tests run `npm run accept` as an
// operator would.
import { spawn } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databaseUrl } from "@/lib/env";
import { freePortOnLoopback } from "@/lib/ops/free-port";
import { commandNodeArgs } from "../../../../scripts/bundle-commands";
import { argocdApplication, argocdBody, bearerRequest, githubFixtures, githubRequest, storedDeliveries, warmDatabase } from "../../../support/webhooks";

vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");
vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token-new");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "build-token-new");
afterAll(() => void vi.unstubAllEnvs());

const { serveWebhooks } = await import("@/lib/ingest/accept/webhook-server");
const { WEBHOOK_ROUTES } = await import("@/lib/ingest/accept/webhook-routes");

const METRICS_TOKEN = "accept-metrics-token-0123456789";
const root = path.resolve(import.meta.dirname, "../../../..");
let server: Awaited<ReturnType<typeof serveWebhooks>>;
let base: string;
beforeAll(async () => {
  await warmDatabase();
  server = await serveWebhooks({ port: 0, host: "127.0.0.1", metricsToken: METRICS_TOKEN });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => server?.close());

/** The same request, sent over the socket to the accept server instead of to the handler. */
async function overHttp(request: Request): Promise<Response> {
  const url = new URL(request.url);
  return fetch(`${base}${url.pathname}`, { method: request.method, headers: request.headers, body: await request.arrayBuffer() });
}

const rowOf = (row: { event: string; orderingKey: string | null; headers: unknown; body: string; status: string }) => ({
  event: row.event,
  orderingKey: row.orderingKey,
  headers: row.headers,
  body: row.body,
  status: row.status,
});

describe("webhooks through the accept server", () => {
  it("stores each of GitHub's published examples exactly as the web server's route does", { timeout: 60_000 }, async () => {
    const fixtures = (await githubFixtures()).slice(0, 12);
    expect(fixtures.length).toBe(12);
    for (const fixture of fixtures) {
      // Two delivery ids, one per path; GitHub's signature does not cover the id, so the body is the same.
      const viaServer = await overHttp(githubRequest(fixture.text, { event: fixture.event, delivery: `srv-${fixture.file}` }));
      expect(viaServer.status, fixture.file).toBe(202);
      expect(await viaServer.json()).toEqual({ status: "accepted", deliveryId: `srv-${fixture.file}` });
      expect(viaServer.headers.get("x-request-id")).toBeTruthy();

      const [stored] = await storedDeliveries("GITHUB", `srv-${fixture.file}`);
      expect(stored?.body).toBe(fixture.text);
      // The same body again under another id is a duplicate of the first (the body's hash), on either path.
      const direct = await WEBHOOK_ROUTES.github(githubRequest(fixture.text, { event: fixture.event, delivery: `dir-${fixture.file}` }), undefined);
      expect(direct.status).toBe(200);
      expect(await direct.json()).toEqual({ status: "duplicate", deliveryId: `dir-${fixture.file}`, duplicateOf: `srv-${fixture.file}` });
      expect(stored && rowOf(stored)).toMatchObject({ event: fixture.event, status: "PENDING" });
      expect(stored?.headers).toMatchObject({ "x-github-event": fixture.event, "x-github-delivery": `srv-${fixture.file}`, "user-agent": "GitHub-Hookshot/abc123" });
    }
  });

  it("stores the real Argo CD Application under the id and key the route derives, byte for byte", async () => {
    const app = await argocdApplication();
    const body = argocdBody({ ...app, metadata: { ...(app.metadata as object), uid: "accept-server-uid" } }, { event: "on-sync-succeeded", instance: "prod-us" });
    const viaServer = await overHttp(bearerRequest("argocd", body, "argocd-token-new"));
    expect(viaServer.status).toBe(202);
    const { deliveryId } = (await viaServer.json()) as { deliveryId: string };
    const [stored, ...rest] = await storedDeliveries("ARGOCD", deliveryId);
    expect(rest).toEqual([]);
    expect(stored && rowOf(stored)).toEqual({
      event: "on-sync-succeeded",
      orderingKey: "prod-us/argo-cd/velero-test",
      headers: { "content-type": "application/json", "user-agent": "argocd-notifications-controller", "x-shiplog-authenticated-by": "ARGOCD_WEBHOOK_TOKENS[0]" },
      body,
      status: "PENDING",
    });
    // The web server's route sees the same delivery: a duplicate of it.
    const direct = await WEBHOOK_ROUTES.argocd(bearerRequest("argocd", body, "argocd-token-new"), undefined);
    expect([direct.status, await direct.json()]).toEqual([200, { status: "duplicate", deliveryId }]);
  });

  it("takes a build report, and answers a repeated Idempotency-Key with another body 409, as the route does", async () => {
    const report = (tag: string) => ({
      service: "hello-world",
      repository: "Codertocat/Hello-World",
      commitSha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
      image: "ghcr.io/codertocat/hello-world",
      tag,
      digest: "sha256:5de8f6b3f0a3f3a0b3c9f7f0b8c3d87e0d8f0e6b7d8d6c2f0f5c3b1a0e9d8c7b",
      builtAt: "2024-03-05T07:30:00Z",
    });
    const body = JSON.stringify(report("accept-1"));
    const first = await overHttp(bearerRequest("build", body, "build-token-new", { "idempotency-key": "accept-build-1" }));
    expect([first.status, await first.json()]).toEqual([202, { status: "accepted", deliveryId: "accept-build-1" }]);
    const [stored] = await storedDeliveries("BUILD", "accept-build-1");
    expect(stored && rowOf(stored)).toMatchObject({ event: "build", orderingKey: "Codertocat/Hello-World", body, status: "PENDING" });

    const again = await WEBHOOK_ROUTES.build(bearerRequest("build", body, "build-token-new", { "idempotency-key": "accept-build-1" }), undefined);
    expect([again.status, await again.json()]).toEqual([200, { status: "duplicate", deliveryId: "accept-build-1" }]);
    const conflict = await overHttp(bearerRequest("build", JSON.stringify(report("accept-2")), "build-token-new", { "idempotency-key": "accept-build-1" }));
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { message: string } }).error.message).toMatch(/already used for a different body/);
  });

  it("answers bad requests with the route's 4xx and reason, and stores nothing", async () => {
    const before = (await storedDeliveries("ARGOCD")).length;
    const noToken = await overHttp(bearerRequest("argocd", argocdBody({ metadata: { name: "a", namespace: "b" } }), null));
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const notJson = await overHttp(bearerRequest("argocd", "{", "argocd-token-new"));
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/not JSON/);
    const badSignature = await overHttp(githubRequest("{}", { signature: `sha256=${"0".repeat(64)}` }));
    expect(badSignature.status).toBe(401);
    expect((await storedDeliveries("ARGOCD")).length).toBe(before);
  });

  it("refuses a body over the limit while it streams in (413), without a declared length", async () => {
    const response = await rawPost("/api/webhooks/argocd", { authorization: "Bearer argocd-token-new", "transfer-encoding": "chunked" }, (request) => {
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 12 && request.write(chunk)) sent++;
        if (sent < 12) request.once("drain", pump);
        else request.end();
      };
      pump();
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatch(/larger than 2097152 bytes/);
  });

  it("keeps serving after a client hangs up in the middle of an upload", async () => {
    await new Promise<void>((resolve) => {
      const request = http.request(`${base}/api/webhooks/argocd`, { method: "POST", headers: { authorization: "Bearer argocd-token-new", "content-length": "100000" } });
      request.on("error", () => resolve());
      request.write("{\"event\":\"on-deployed\",");
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 200);
    });
    const health = await fetch(`${base}/api/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
  });
});

describe("what else the accept server answers", () => {
  it("answers the probes, /metrics to its token, 405 for other methods and 404 naming what it serves", async () => {
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
    expect((await fetch(`${base}/api/health`, { method: "HEAD" })).status).toBe(200);

    const anonymous = await fetch(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^shiplog_deliveries_received_total\{source="ARGOCD"\} \d+$/m);

    const get = await fetch(`${base}/api/webhooks/github`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const page = await fetch(`${base}/timeline`);
    expect(page.status).toBe(404);
    expect(((await page.json()) as { error: { message: string } }).error.message).toMatch(/POST \/api\/webhooks\/github.*\/timeline is on the web server/);
  });

  it("lets a request in flight finish when it stops, and takes no new one", async () => {
    const own = await serveWebhooks({ port: 0, host: "127.0.0.1" });
    const app = await argocdApplication();
    const body = argocdBody({ ...app, metadata: { ...(app.metadata as object), uid: "closing-uid" } });
    // Headers and half the body now, the rest after close() was called.
    const answered = rawPost(`http://127.0.0.1:${own.port}/api/webhooks/argocd`, { authorization: "Bearer argocd-token-new", "content-length": String(Buffer.byteLength(body)) }, (request) => {
      request.write(body.slice(0, 100));
      setTimeout(() => request.end(body.slice(100)), 300);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = own.close();
    const response = await answered;
    expect(response.status).toBe(202);
    await closed;
    await expect(fetch(`http://127.0.0.1:${own.port}/api/health`)).rejects.toThrow();
  });
});

describe("npm run accept", () => {
  it("listens on SHIPLOG_ACCEPT_PORT, stores a webhook and exits 0 on SIGTERM, sent to npm itself", { timeout: 90_000 }, async () => {
    const port = await freePortOnLoopback();
    // The real script: package.json bundles the server, then execs node on the bundle, so npm's
    // SIGTERM reaches the server rather than a shell between them.
    const child = await runAccept(port, "npm");
    await until(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status === 200, () => child.output());
    const response = await fetch(`http://127.0.0.1:${port}/api/webhooks/argocd`, {
      method: "POST",
      headers: { authorization: "Bearer argocd-token-new", "content-type": "application/json" },
      body: argocdBody({ metadata: { name: "from-the-process", namespace: "argocd", uid: "process-uid" } }),
    });
    expect(response.status).toBe(202);
    child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });

  it("exits 1 naming SHIPLOG_ACCEPT_PORT when the port is taken", { timeout: 60_000 }, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = await runAccept(port);
      expect(await child.exited).toBe(1);
      expect(child.output()).toContain(`Port ${port} is taken: set SHIPLOG_ACCEPT_PORT`);
    } finally {
      blocker.close();
    }
  });
});

/** Runs `npm run accept`, or what it runs: the server's bundle, with plain node. */
async function runAccept(port: number, through: "npm" | "bundle" = "bundle") {
  const [command, args] = through === "npm" ? ["npm", ["run", "--silent", "accept"]] : [process.execPath, await commandNodeArgs("accept")];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl(), SHIPLOG_ACCEPT_PORT: String(port), ARGOCD_WEBHOOK_TOKENS: "argocd-token-new", LOG_LEVEL: "warn", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  });
  return { exited, kill: (signal: NodeJS.Signals) => child.kill(signal), output: () => output };
}

async function until(check: () => Promise<boolean>, output: () => string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`npm run accept did not become healthy:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A POST whose body the caller writes (streams, pauses), answered as status and text. */
function rawPost(target: string, headers: Record<string, string>, write: (request: http.ClientRequest) => void): Promise<{ status: number; body: string }> {
  const url = target.startsWith("http") ? target : `${base}${target}`;
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    // The server may answer (413) and close before the whole body is written.
    request.on("error", (error) => (request.writableEnded ? undefined : reject(error)));
    write(request);
  });
}
