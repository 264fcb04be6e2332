// Next.js calls register() once when a server process starts. In the Node.js runtime of a
// running server it first starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set
// (lib/observability/start-tracing.ts; before anything loads pg, so its queries are traced), then stamps each request with its socket's address, which Next does not pass on
// (lib/http/client-address.ts, for sign-in throttling), keeps V8's heap near its live size
// (lib/ops/limit-heap-growth.ts) and, unless SHIPLOG_INLINE_WORKER=false, starts the inline ingestion worker
// (lib/ingest/queue/start-inline-worker.ts); never in the Edge runtime, and never while `next build`
// renders pages. The import stays inside the guard so the Edge bundle does not include the
// worker (Next's documented pattern).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { startTracing } = await import("./lib/observability/start-tracing");
    await startTracing("shiplog-web");
    const { recordPeerAddresses } = await import("./lib/http/client-address");
    recordPeerAddresses();
    const { limitHeapGrowth } = await import("./lib/ops/limit-heap-growth");
    limitHeapGrowth();
    const { startInlineWorker } = await import("./lib/ingest/queue/start-inline-worker");
    startInlineWorker();
  }
}
