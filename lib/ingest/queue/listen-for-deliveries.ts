// LISTEN on a channel over a dedicated connection, so a worker wakes as soon as a delivery is
// stored instead of at its next poll (and web processes hear of deployment changes). Best
// effort: polling still finds everything, so when the connection fails (the database restarts
// or fails over, or a transaction-mode PgBouncer does not pass LISTEN through) it is re-opened
// after a pause, LISTENs again, and says so through onReconnect: notifications sent while
// nobody listened are lost, and the caller catches up (the worker looks for due deliveries, open
// timelines refetch).
import pg from "pg";
import { config } from "../../env";
import type { WorkerLog } from "./apply-delivery";

const RECONNECT_AFTER_MS = 5_000;

export function listenForDeliveries(
  url: string,
  channel: string,
  options: {
    log: WorkerLog;
    onNotification: (payload: string | undefined) => void;
    /** Called each time LISTEN is back after the connection was lost (not on the first). */
    onReconnect?: () => void;
    reconnectAfterMs?: number;
  },
): { close: () => Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let lostAt: number | undefined;
  const reconnectAfterMs = options.reconnectAfterMs ?? RECONNECT_AFTER_MS;

  const connect = async () => {
    if (closed) return;
    const current = new pg.Client({
      connectionString: url,
      // Without a timeout, connecting to an address that no longer answers (a failed-over
      // primary) would hang and never retry; keepalive finds a silently dead idle connection.
      connectionTimeoutMillis: config().DATABASE_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
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
      if (closed || current !== client) return;
      if (lostAt !== undefined) {
        options.log.info(`LISTEN ${channel} is back after ${((Date.now() - lostAt) / 1000).toFixed(1)} s`);
        lostAt = undefined;
        options.onReconnect?.();
      }
    } catch (error) {
      dropped(current, error);
    }
  };

  const dropped = (which: pg.Client, error?: unknown) => {
    if (closed || which !== client) return;
    client = undefined;
    if (lostAt === undefined) {
      lostAt = Date.now();
      options.log.warn(`LISTEN ${channel} unavailable (${error instanceof Error ? error.message : "connection ended"}); polling only until it is back`);
    }
    which.end().catch(() => undefined);
    retry = setTimeout(() => void connect(), reconnectAfterMs);
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
