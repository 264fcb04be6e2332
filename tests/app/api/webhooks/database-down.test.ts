// With the database unreachable (nothing listening) or hung (a server that accepts connections
// and never answers, which node-postgres would wait on for DATABASE_CONNECT_TIMEOUT_MS), every
// webhook endpoint answers 503 within 2 seconds: never a hang, never a 2xx for a delivery that
// was not stored, and never a 401 for a token it could not check.
import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "../../../../lib/db/client";
import { databaseUrl, useDatabaseUrl } from "../../../../lib/env";
import { closeDeliveryPool } from "../../../../lib/ingest/accept/delivery-pool";
import { freePort } from "../../../support/postgres-admin";
import { captureLogs } from "../../../support/capture-logs";
import { argocdApplication, argocdBody, bearerRequest, githubRequest, warmDatabase } from "../../../support/webhooks";

vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "build-token");
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");

const argocd = await import("../../../../app/api/webhooks/argocd/route");
const github = await import("../../../../app/api/webhooks/github/route");
const build = await import("../../../../app/api/webhooks/build/route");

let realDatabase: string;
let argocdPayload: string;
let silent: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  realDatabase = databaseUrl();
  await warmDatabase();
  argocdPayload = argocdBody(await argocdApplication());
  silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});

afterEach(async () => {
  await closeDb();
  await closeDeliveryPool();
  useDatabaseUrl(realDatabase);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  vi.unstubAllEnvs();
});

const report = {
  repository: "Codertocat/Hello-World",
  commitSha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
  image: "ghcr.io/codertocat/hello-world",
  tag: "1.0.0",
  builtAt: "2024-03-05T07:30:00Z",
};

const requests: Array<[string, () => Promise<Response>]> = [
  ["argocd (setting token)", () => argocd.POST(bearerRequest("argocd", argocdPayload, "argocd-token"), undefined)],
  // Not one of the setting's tokens: only the database could say whether it is valid.
  ["argocd (database token)", () => argocd.POST(bearerRequest("argocd", argocdPayload, "shiplog_argocd_unknown"), undefined)],
  ["build", () => build.POST(bearerRequest("build", JSON.stringify(report), "build-token"), undefined)],
  ["github", () => github.POST(githubRequest('{"zen":"Design for failure."}', { event: "ping" }), undefined)],
];

async function pointAt(url: string): Promise<void> {
  // Both of the process's pools: Prisma's, and the one the accept path stores through.
  await closeDb();
  await closeDeliveryPool();
  useDatabaseUrl(url);
}

describe.each([
  ["unreachable (connection refused)", async () => `postgresql://shiplog:secret@127.0.0.1:${await freePort()}/shiplog`],
  ["hung (accepts, never answers)", async () => `postgresql://shiplog:secret@127.0.0.1:${(silent.address() as { port: number }).port}/shiplog`],
])("with the database %s", (_, urlOf) => {
  it.each(requests)("%s answers 503 within 2 s", async (_name, send) => {
    const logs = captureLogs();
    await pointAt(await urlOf());
    const started = performance.now();
    const response = await send();
    const elapsed = performance.now() - started;
    expect(response.status).toBe(503);
    expect(elapsed).toBeLessThan(2_000);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("service_unavailable");
    expect(response.headers.get("retry-after")).toBe("5");
    // Logged once, with the request id, so the 503 can be found in the server's log.
    expect(logs.lines.some((line) => line.requestId === body.error.requestId && line.level === "error")).toBe(true);
    logs.restore();
  });
});

it("stored nothing while the database was away", async () => {
  expect(await getDb().webhookDelivery.count()).toBe(0);
  // And the same requests succeed once it is back.
  const response = await github.POST(githubRequest('{"zen":"Keep it logically awesome."}', { event: "ping", delivery: randomUUID() }), undefined);
  expect(response.status).toBe(202);
});
