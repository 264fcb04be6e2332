// GET /api/v1/deployments/stream as a ReadableStream of server-sent events: `deployments`
// events whose data is `{"ids":[…]}` (deployments created or changed, coalesced), a comment
// every HEARTBEAT_MS so proxies keep the connection open and a vanished client is noticed, and
// `retry` so EventSource reconnects after 3 s. A client that stops reading is disconnected once
// MAX_QUEUED_MESSAGES wait for it (its EventSource reconnects and refetches), so a stuck
// browser never makes the server buffer without bound.
import { subscribeToDeploymentChanges } from "./deployment-change-feed";

export const HEARTBEAT_MS = 15_000;
const MAX_QUEUED_MESSAGES = 32;

export function streamDeploymentChanges(signal: AbortSignal, options: { heartbeatMs?: number } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop: (() => void) | undefined;

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let unsubscribe: (() => void) | undefined;
        let heartbeat: NodeJS.Timeout | undefined;
        let stopped = false;
        stop = () => {
          if (stopped) return;
          stopped = true;
          unsubscribe?.();
          clearInterval(heartbeat);
          signal.removeEventListener("abort", close);
        };
        const close = () => {
          if (stopped) return;
          stop?.();
          try {
            controller.close();
          } catch {
            // Already closed or cancelled by the reader: nothing left to close.
          }
        };
        const send = (text: string) => {
          if (stopped) return;
          if ((controller.desiredSize ?? 1) <= 0) return close();
          controller.enqueue(encoder.encode(text));
        };

        if (signal.aborted) return close();
        signal.addEventListener("abort", close, { once: true });
        send(`retry: 3000\nevent: ready\ndata: {}\n\n`);
        unsubscribe = subscribeToDeploymentChanges((ids) => send(`event: deployments\ndata: ${JSON.stringify({ ids })}\n\n`));
        heartbeat = setInterval(() => send(`: heartbeat\n\n`), options.heartbeatMs ?? HEARTBEAT_MS);
      },
      cancel() {
        stop?.();
      },
    },
    new CountQueuingStrategy({ highWaterMark: MAX_QUEUED_MESSAGES }),
  );
}
