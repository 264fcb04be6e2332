// A PostgreSQL of a test's own (the embedded server, in a temporary folder, on a free port) that
// the test may stop, kill and start again: never the run's shared server, which other files use.
// The data survives each restart, as a managed database's does across a failover.
import { readFile, rm } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type RunningPostgres, startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { migrate } from "../../lib/db/migrate";
import { freePort } from "./postgres-admin";

export type RestartablePostgres = {
  url: string;
  port: number;
  dataDir: string;
  /** A fast shutdown (SIGINT, as `pg_ctl stop -m fast`): clients are told, connections closed. */
  stop: () => Promise<void>;
  /** SIGKILL to the postmaster: no goodbye; its backends notice and exit, recovery runs on the next start. */
  kill: () => Promise<void>;
  /** Starts it again on the same data and port (after stop or kill). */
  start: () => Promise<void>;
  /** The postmaster's pid now (read from postmaster.pid). */
  pid: () => Promise<number>;
  /** Stops it (if running) and deletes its folder. */
  dispose: () => Promise<void>;
};

/** Starts a migrated database named `shiplog` on a server of its own. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "shiplog-restartable-postgres-"));
  const port = await freePort();
  const options = { dataDir, port, database: "shiplog", persistent: true };
  let running: RunningPostgres | undefined = await startEmbeddedPostgres(options);
  const url = running.url;
  await migrate(url);
  const pid = async () => Number((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
  return {
    url,
    port,
    dataDir,
    pid,
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
    kill: async () => {
      if (!running) return;
      process.kill(await pid(), "SIGKILL");
      await running.exited;
      running = undefined;
    },
    start: async () => {
      if (running) throw new Error("this PostgreSQL is already running");
      // A killed server's backends may hold its shared memory for a moment after it died.
      for (let attempt = 1; ; attempt += 1) {
        try {
          running = await startEmbeddedPostgres(options);
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
    dispose: async () => {
      await running?.stop();
      running = undefined;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
