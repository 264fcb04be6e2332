// autocannon driving a WebhookStream: every request sent is the stream's next delivery.
//
// runLoad (load.ts) hands autocannon a fixed list, and autocannon starts every connection at the
// top of that list: with 50 connections the same delivery is sent 50 times, and a write
// benchmark would measure the duplicate answer, not intake. Here one request entry with a
// setupRequest draws a fresh, distinct delivery for each send, from one stream shared by every
// user. Pacing and the summary are runLoad's (driveLoad): at a fixed rate each connection is a run
// of its own sending its share of each second, the runs started across the first second, so the
// second's deliveries do not all arrive at its top as one burst of 50.
import { driveLoad, type LoadResult } from "./load";
import type { WebhookStream } from "./webhook-payloads";

export type WebhookLoadOptions = {
  url: string;
  stream: WebhookStream;
  connections: number;
  durationSeconds: number;
  /** Requests/s over all connections; omitted: flat out. */
  rate?: number;
};

export async function runWebhookLoad(options: WebhookLoadOptions): Promise<LoadResult> {
  const { stream, ...plan } = options;
  return driveLoad({
    ...plan,
    requestsFor: () => [
      {
        setupRequest: (request) => {
          const next = stream.next();
          return { ...request, method: "POST", path: next.path, headers: next.headers ?? {}, body: next.body ?? "" };
        },
      },
    ],
  });
}
