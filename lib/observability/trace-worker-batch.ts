// One span per worker batch, `shiplog.worker.batch`, around applying it: how many deliveries
// were taken and how each ended. The batch's database work (Prisma's and pg's spans) nests under
// it. Through @opentelemetry/api only: without OTEL_EXPORTER_OTLP_ENDPOINT (start-tracing.ts)
// the tracer is the API's no-op and this costs a function call.
import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { ApplyResult } from "../ingest/queue/apply-delivery";

const tracer = trace.getTracer("shiplog.worker");

export function traceWorkerBatch(size: number, apply: () => Promise<ApplyResult[]>): Promise<ApplyResult[]> {
  return tracer.startActiveSpan("shiplog.worker.batch", { attributes: { "shiplog.batch.size": size } }, async (span) => {
    try {
      const results = await apply();
      const byKind: Record<string, number> = {};
      for (const result of results) byKind[result.kind] = (byKind[result.kind] ?? 0) + 1;
      for (const [kind, count] of Object.entries(byKind)) span.setAttribute(`shiplog.batch.${kind.toLowerCase()}`, count);
      const sources = [...new Set(results.flatMap((result) => ("delivery" in result ? [result.delivery.source] : [])))].sort();
      span.setAttribute("shiplog.batch.sources", sources);
      return results;
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
