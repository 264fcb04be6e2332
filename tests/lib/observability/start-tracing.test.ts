// Tracing is opt-in: without OTEL_EXPORTER_OTLP_ENDPOINT startTracing registers nothing, and the
// spans Shiplog starts (the worker's batch span) are the API's non-recording ones. The endpoint
// is validated like every URL setting. (What a configured process sends: worker-tracing.test.ts,
// tests/http/tracing.test.ts.)
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/env";
import { startTracing, stopTracing } from "@/lib/observability/start-tracing";
import { traceWorkerBatch } from "@/lib/observability/trace-worker-batch";

describe("startTracing without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("registers nothing: spans do not record and the worker's batch runs as before", async () => {
    expect(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "").toBe("");
    expect(await startTracing("shiplog-test")).toBeNull();
    const span = trace.getTracer("test").startSpan("anything");
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(await traceWorkerBatch(0, async () => [])).toEqual([]);
    await stopTracing();
  });
});

describe("OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("takes an http(s) URL without a trailing slash, and refuses anything else naming the setting", () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318/" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://otel-collector:4318");
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4317" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
