// OpenTelemetry traces from `npm run worker` into a fake OTLP/HTTP collector: with
// OTEL_EXPORTER_OTLP_ENDPOINT set, a batch is one `shiplog.worker.batch` span with its size and
// outcome, and the batch's database work (Prisma's operations, pg's queries) nests in its trace;
// unset, the worker applies the same kind of batch and the collector hears nothing.
import { spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl } from "@/lib/env";
import { getDb } from "@/lib/db/client";
import { insertDelivery } from "../../support/deliveries";
import { type CollectedSpan, startFakeOtlpCollector } from "../../support/fake-otlp-collector";

const root = path.resolve(import.meta.dirname, "../../..");
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** Starts `npm run worker` with `env` on the test database; resolves its exit code once stopped. */
function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts", "--concurrency", "1"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl(), ARGOCD_INSTANCES: "", LOG_LEVEL: "warn", LOG_FORMAT: "json", OTEL_EXPORTER_OTLP_ENDPOINT: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  closers.push(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });
  return {
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

async function until(check: () => Promise<boolean> | boolean, output: () => string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out; the worker wrote:\n${output()}`);
    await sleep(200);
  }
}

async function finished(id: bigint): Promise<boolean> {
  const row = await getDb().webhookDelivery.findFirst({ where: { id }, select: { status: true } });
  return row !== null && row.status !== "PENDING";
}

describe("npm run worker with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("sends a span per batch, with the batch's Prisma and pg spans in its trace", { timeout: 90_000 }, async () => {
    const collector = await startFakeOtlpCollector();
    closers.push(collector.close);
    const worker = startWorker({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const delivery = await insertDelivery({ source: "BUILD", event: "build", body: { not: "a build report" } });
    await until(() => finished(delivery.id), worker.output);
    // Spans leave in batches every second; a stopping worker sends what is left.
    await until(() => collector.spans.some((span) => span.name === "shiplog.worker.batch"), worker.output);
    expect(await worker.stop()).toBe(0);

    const batches = collector.spans.filter((span) => span.name === "shiplog.worker.batch");
    const batch = batches.find((span) => span.attributes["shiplog.batch.quarantined"] === 1)!;
    expect(batch).toBeDefined();
    expect(batch).toMatchObject({ service: "shiplog-worker", scope: "shiplog.worker", statusCode: 0 });
    expect(batch.attributes).toMatchObject({ "shiplog.batch.size": 1, "shiplog.batch.quarantined": 1, "shiplog.batch.sources": ["BUILD"] });

    const inTrace = collector.spans.filter((span) => span.traceId === batch.traceId && span !== batch);
    const descendsFromBatch = (span: CollectedSpan): boolean => {
      for (let parent = span.parentSpanId; parent !== undefined; ) {
        if (parent === batch.spanId) return true;
        parent = collector.spans.find((candidate) => candidate.spanId === parent)?.parentSpanId;
      }
      return false;
    };
    const prisma = inTrace.filter((span) => span.name.startsWith("prisma:"));
    const pg = inTrace.filter((span) => span.scope === "@opentelemetry/instrumentation-pg");
    expect(prisma.length, "Prisma's spans under the batch").toBeGreaterThan(0);
    expect(pg.length, "pg's spans under the batch").toBeGreaterThan(0);
    expect([...prisma, ...pg].every(descendsFromBatch)).toBe(true);
    // The SQL, never the values bound to it.
    const queries = pg.map((span) => span.attributes["db.query.text"] ?? span.attributes["db.statement"]).filter((text) => typeof text === "string");
    expect(queries.some((text) => /webhook_deliveries/.test(String(text)))).toBe(true);
    expect(pg.every((span) => span.attributes["db.query.parameter.0"] === undefined && span.attributes["db.postgresql.values"] === undefined)).toBe(true);
  });
});

describe("npm run worker without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("applies a batch and sends nothing", { timeout: 90_000 }, async () => {
    const collector = await startFakeOtlpCollector();
    closers.push(collector.close);
    // The collector is where a default endpoint would point; nothing may reach it.
    const worker = startWorker({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces` });
    const delivery = await insertDelivery({ source: "BUILD", event: "build", body: { still: "not a build report" } });
    await until(() => finished(delivery.id), worker.output);
    await sleep(2_500); // more than the export interval
    expect(await worker.stop()).toBe(0);
    expect(collector.requests()).toBe(0);
  });
});
