// autocannon driving a WebhookStream: every request sent is the stream's next delivery.
//
// runLoad (load.ts) hands autocannon a fixed list, and autocannon starts every connection at the
// top of that list: with 50 connections the same delivery is sent 50 times, and a write
// benchmark would measure the duplicate answer, not intake. Here one request entry with a
// setupRequest draws a fresh, distinct delivery for each send. The summary has runLoad's shape.
import autocannon from "autocannon";
import { type LoadResult, percentile } from "./load";
import type { WebhookStream } from "./webhook-payloads";

export type WebhookLoadOptions = {
  url: string;
  stream: WebhookStream;
  connections: number;
  durationSeconds: number;
  /** Requests/s over all connections (autocannon overallRate); omitted: flat out. */
  rate?: number;
};

export async function runWebhookLoad(options: WebhookLoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let ok2xx = 0;
  let finish: (error: unknown, result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result));
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.durationSeconds,
      ...(options.rate === undefined ? {} : { overallRate: options.rate }),
      requests: [
        {
          setupRequest: (request) => {
            const next = options.stream.next();
            return { ...request, method: "POST", path: next.path, headers: next.headers ?? {}, body: next.body ?? "" };
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statusCounts[String(statusCode)] = (statusCounts[String(statusCode)] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) ok2xx += 1;
  });
  const result = await finished;
  const responses = latencies.length;
  return {
    requests: responses,
    ok2xx,
    non2xx: responses - ok2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    throughput: result.duration > 0 ? responses / result.duration : 0,
    latency: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    // Webhook answers are a few bytes of JSON; not a figure these scenarios report.
    bytesPerResponse: 0,
  };
}
