// The database Shiplog runs against: the external server named by DATABASE_URL (checked,
// never started), or the embedded PostgreSQL under SHIPLOG_DATA_DIR.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../env";
import { pathExists, startEmbeddedPostgres } from "../db/embedded-postgres";
import { checkDatabaseReachable, describeDatabaseUrl } from "./check-database-reachable";

export type StartedDatabase = {
  url: string;
  /** For messages: where the data is, without secrets. */
  description: string;
  embedded: boolean;
  /** Stops the embedded server (a no-op for an external one). Safe to call twice. */
  stop: () => Promise<void>;
};

export const embeddedDatabaseName = "shiplog";

export async function startDatabase(
  settings: Pick<Config, "DATABASE_URL" | "DATABASE_CONNECT_TIMEOUT_MS" | "SHIPLOG_DATA_DIR" | "EMBEDDED_POSTGRES_PORT">,
): Promise<StartedDatabase> {
  if (settings.DATABASE_URL) {
    await checkDatabaseReachable(settings.DATABASE_URL, settings.DATABASE_CONNECT_TIMEOUT_MS);
    return {
      url: settings.DATABASE_URL,
      description: `${describeDatabaseUrl(settings.DATABASE_URL)} (DATABASE_URL)`,
      embedded: false,
      stop: async () => undefined,
    };
  }
  const dataDir = path.resolve(settings.SHIPLOG_DATA_DIR);
  const running = await startEmbeddedPostgres({
    dataDir,
    port: settings.EMBEDDED_POSTGRES_PORT,
    database: embeddedDatabaseName,
  });
  return {
    url: running.url,
    description: `embedded PostgreSQL on 127.0.0.1:${settings.EMBEDDED_POSTGRES_PORT}, data in ${dataDir}`,
    embedded: true,
    stop: () => stopWhenGone(running.stop, path.join(dataDir, "postgres", "postmaster.pid")),
  };
}

/**
 * Ctrl-C in a terminal signals PostgreSQL directly too, and it may be gone before the
 * launcher asks it to stop; embedded-postgres then waits for an exit that already
 * happened. PostgreSQL removes postmaster.pid as the last step of a clean shutdown, so
 * either that file going away or stop() resolving means it has stopped.
 */
async function stopWhenGone(stop: () => Promise<void>, pidFile: string, timeoutMs = 30_000): Promise<void> {
  let outcome: { error?: unknown } | undefined;
  stop().then(
    () => (outcome = {}),
    (error: unknown) => (outcome = { error }),
  );
  const deadline = Date.now() + timeoutMs;
  while (!outcome && Date.now() < deadline) {
    if (!(await pathExists(pidFile))) return;
    await sleep(100);
  }
  if (!outcome) throw new Error(`PostgreSQL did not stop within ${timeoutMs / 1000} s (${pidFile} remains)`);
  if (outcome.error) throw outcome.error;
}

