// OpenTelemetry traces from `next start` into a fake OTLP/HTTP collector: with
// OTEL_EXPORTER_OTLP_ENDPOINT set, an API request is a span named by its route with its status,
// and the Prisma and pg work it did is in its trace; a server without the variable sends nothing.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { startFakeOtlpCollector } from "../support/fake-otlp-collector";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function serverWith(env: Record<string, string>) {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_tracing", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const server = await startShiplogServer(database.url, env);
  cleanups.push(server.stop);
  return server;
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe("next start with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("sends a request's span with its route and status, and its Prisma and pg spans in the same trace", { timeout: 240_000 }, async () => {
    const collector = await startFakeOtlpCollector();
    cleanups.push(collector.close);
    const server = await serverWith({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const person = await server.signIn([{ role: "viewer", teamId: null }]);
    const response = await fetch(`${server.url}/api/v1/services?limit=2`, { headers: { cookie: person.cookie } });
    expect(response.status).toBe(200);

    const isRequest = (span: (typeof collector.spans)[number]) => span.attributes["http.route"] === "/api/v1/services" || span.attributes["next.route"] === "/api/v1/services";
    await until(() => collector.spans.some(isRequest), "the request's span");
    const request = collector.spans.find((span) => isRequest(span) && span.attributes["http.status_code"] === 200) ?? collector.spans.find(isRequest)!;
    expect(request.service).toBe("shiplog-web");
    expect(request.name).toContain("/api/v1/services");
    await until(
      () => collector.spans.some((span) => span.traceId === request.traceId && span.scope === "@opentelemetry/instrumentation-pg"),
      "pg's spans in the request's trace",
    );
    const inTrace = collector.spans.filter((span) => span.traceId === request.traceId);
    expect(inTrace.some((span) => span.name.startsWith("prisma:"))).toBe(true);
    expect(inTrace.some((span) => span.scope === "@opentelemetry/instrumentation-pg" && /FROM/i.test(String(span.attributes["db.query.text"] ?? span.attributes["db.statement"])))).toBe(true);
  });
});

describe("next start without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("sends nothing", { timeout: 240_000 }, async () => {
    const collector = await startFakeOtlpCollector();
    cleanups.push(collector.close);
    // Where a default would point, were one used.
    const server = await serverWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces` });
    const person = await server.signIn([{ role: "viewer", teamId: null }]);
    expect((await fetch(`${server.url}/api/v1/services?limit=2`, { headers: { cookie: person.cookie } })).status).toBe(200);
    await sleep(2_500);
    expect(collector.requests()).toBe(0);
  });
});
