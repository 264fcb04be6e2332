// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md
// "Traces"). Then this process registers a tracer provider that sends spans over OTLP/HTTP (JSON)
// to <endpoint>/v1/traces in batches, a context manager (so spans nest across awaits) and the
// W3C trace-context propagator, and instruments the database: Prisma's own spans
// (@prisma/instrumentation: each operation and the SQL it sent), pg's (every query, the accept
// path's and the rate limits' pools included) and Node's http. Next makes the span of each
// request itself once a provider is registered; the worker adds one span per batch
// (trace-worker-batch.ts). Unset: this returns before importing any of it, and every tracer
// Shiplog asks for is @opentelemetry/api's no-op: no span is recorded, nothing is sent.
// pg is loaded through ESM imports, which require hooks never see, so the ESM loader hook of
// @opentelemetry/instrumentation (import-in-the-middle) is registered first; modules imported
// before this runs are not instrumented, so processes call it before loading the database code.
import { register } from "node:module";
import { config } from "../env";

export type Tracing = { shutdown: () => Promise<void> };

const globalForTracing = globalThis as unknown as { shiplogTracing?: Promise<Tracing | null> };

/** Starts tracing for this process as `serviceName` (OTEL_SERVICE_NAME wins), or does nothing when no endpoint is set. Idempotent. */
export function startTracing(serviceName: string): Promise<Tracing | null> {
  globalForTracing.shiplogTracing ??= start(serviceName);
  return globalForTracing.shiplogTracing;
}

async function start(defaultServiceName: string): Promise<Tracing | null> {
  const { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME } = config();
  if (endpoint === undefined) return null;
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { resourceFromAttributes }, sdk, { OTLPTraceExporter }, instrumentation, http, pg, prisma] =
    await Promise.all([
      import("@opentelemetry/api"),
      import("@opentelemetry/context-async-hooks"),
      import("@opentelemetry/core"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/sdk-trace"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/instrumentation"),
      import("@opentelemetry/instrumentation-http"),
      import("@opentelemetry/instrumentation-pg"),
      import("@prisma/instrumentation"),
    ]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ "service.name": OTEL_SERVICE_NAME ?? defaultServiceName, "service.namespace": "shiplog" }),
    // Every second rather than the default five: a short-lived script or a stopping replica loses less.
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 })],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  instrumentation.registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new http.HttpInstrumentation(),
      // Each query's SQL text as db.query.text, never its parameter values (they hold tokens' hashes, emails).
      new pg.PgInstrumentation({ enhancedDatabaseReporting: false }),
      new prisma.PrismaInstrumentation(),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}

/** Sends what is still buffered and stops (a worker's graceful exit); nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
  const tracing = await globalForTracing.shiplogTracing;
  globalForTracing.shiplogTracing = undefined;
  await tracing?.shutdown();
}
