// The database Shiplog runs against: the external server named by DATABASE_URL (checked,
// never started), or the embedded PostgreSQL under SHIPLOG_DATA_DIR, restarted when it exits on
// its own (lib/ops/supervise-embedded-postgres.ts).
import path from "node:path";
import type { Config } from "../env";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { checkDatabaseReachable, describeDatabaseUrl } from "./check-database-reachable";
import { superviseEmbeddedPostgres } from "./supervise-embedded-postgres";

export type StartedDatabase = {
  url: string;
  /** For messages: where the data is, without secrets. */
  description: string;
  embedded: boolean;
  /** Stops the embedded server (a no-op for an external one). Safe to call twice. */
  stop: () => Promise<void>;
  /** Settles when the embedded server is gone for good (never, for an external one): why. */
  failed: Promise<Error>;
};

export const embeddedDatabaseName = "shiplog";

export async function startDatabase(
  settings: Pick<Config, "DATABASE_URL" | "DATABASE_CONNECT_TIMEOUT_MS" | "SHIPLOG_DATA_DIR" | "EMBEDDED_POSTGRES_PORT" | "EMBEDDED_POSTGRES_RESTARTS">,
  options: { log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<StartedDatabase> {
  if (settings.DATABASE_URL) {
    await checkDatabaseReachable(settings.DATABASE_URL, settings.DATABASE_CONNECT_TIMEOUT_MS);
    return {
      url: settings.DATABASE_URL,
      description: `${describeDatabaseUrl(settings.DATABASE_URL)} (DATABASE_URL)`,
      embedded: false,
      stop: async () => undefined,
      // An external server's outages are its operator's; Shiplog waits and reconnects.
      failed: new Promise<Error>(() => undefined),
    };
  }
  const dataDir = path.resolve(settings.SHIPLOG_DATA_DIR);
  const start = () => startEmbeddedPostgres({ dataDir, port: settings.EMBEDDED_POSTGRES_PORT, database: embeddedDatabaseName });
  const running = await start();
  const supervised = superviseEmbeddedPostgres(running, {
    start,
    maxRestarts: settings.EMBEDDED_POSTGRES_RESTARTS,
    log: options.log ?? (() => undefined),
    signal: options.signal,
  });
  return {
    url: running.url,
    description: `embedded PostgreSQL on 127.0.0.1:${settings.EMBEDDED_POSTGRES_PORT}, data in ${dataDir}`,
    embedded: true,
    stop: supervised.stop,
    failed: supervised.failed,
  };
}
