// LISTEN on a channel over a dedicated connection, so a worker wakes as soon as a delivery is
// stored instead of at its next poll. Best effort: polling still finds everything, so when the
// connection fails (or a transaction-mode PgBouncer does not pass LISTEN through) it is
// re-opened after a pause and the worker keeps polling meanwhile.
import pg from "pg";
import type { WorkerLog } from "./apply-delivery";

const RECONNECT_AFTER_MS = 5_000;

export function listenForDeliveries(
  url: string,
  channel: string,
  options: { log: WorkerLog; onNotification: (payload: string | undefined) => void },
): { close: () => Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let warned = false;

  const connect = async () => {
    if (closed) return;
    const current = new pg.Client({ connectionString: url });
    client = current;
    current.on("notification", (message) => {
      if (message.channel === channel) options.onNotification(message.payload);
    });
    current.on("error", (error) => dropped(current, error));
    current.on("end", () => dropped(current));
    try {
      await current.connect();
      // pg's escapeIdentifier quotes the channel name; LISTEN takes no bind parameters.
      await current.query(`LISTEN ${current.escapeIdentifier(channel)}`);
      warned = false;
      // Deliveries stored while nobody listened are found by the next poll.
    } catch (error) {
      dropped(current, error);
    }
  };

  const dropped = (which: pg.Client, error?: unknown) => {
    if (closed || which !== client) return;
    client = undefined;
    if (!warned) {
      options.log.warn(`[worker] LISTEN ${channel} unavailable (${error instanceof Error ? error.message : "connection ended"}); polling only until it is back`);
      warned = true;
    }
    which.end().catch(() => undefined);
    retry = setTimeout(() => void connect(), RECONNECT_AFTER_MS);
    retry.unref();
  };

  void connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
