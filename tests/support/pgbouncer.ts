// A real PgBouncer in front of a test database, for the tests of DATABASE_POOLER_URL. Debian's
// package (`apt-get install -y pgbouncer`, as .ci/run does) or PGBOUNCER_PATH.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./postgres-admin";

export type PgBouncer = {
  /** The pooled database, as a client connects to it. */
  url: string;
  /** PgBouncer's admin console (SHOW POOLS, SHOW STATS). */
  adminUrl: string;
  stop: () => Promise<void>;
};

function pgbouncerPath(): string {
  const candidates = [process.env.PGBOUNCER_PATH, "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error("PgBouncer is not installed: `apt-get install -y pgbouncer`, or set PGBOUNCER_PATH");
  return found;
}

/** Starts PgBouncer with one database `app` forwarding to `databaseUrl` in `poolMode`, `serverConnections` at most. */
export async function startPgBouncer(databaseUrl: string, options: { poolMode: "transaction" | "session"; serverConnections: number }): Promise<PgBouncer> {
  const target = new URL(databaseUrl);
  const dir = await mkdtemp(path.join(tmpdir(), "shiplog-pgbouncer-"));
  const port = await freePort();
  const user = decodeURIComponent(target.username);
  await writeFile(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `app = host=${target.hostname} port=${target.port || 5432} dbname=${target.pathname.slice(1)} user=${user} password=${decodeURIComponent(target.password)}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      // The test trusts its own loopback clients; PgBouncer authenticates to PostgreSQL with the password above.
      "auth_type = any",
      `admin_users = ${user}`,
      `pool_mode = ${options.poolMode}`,
      `default_pool_size = ${options.serverConnections}`,
      "max_client_conn = 200",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  // PgBouncer refuses to run as root; as root it drops to `nobody`, which must read the folder.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    await chmod(dir, 0o777);
    await chmod(path.join(dir, "pgbouncer.ini"), 0o644);
  }
  const child: ChildProcess = spawn(pgbouncerPath(), [...(asRoot ? ["-u", "nobody"] : []), path.join(dir, "pgbouncer.ini")], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/app`;
  const adminUrl = `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`;
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt += 1) {
    const probe = new pg.Client({ connectionString: url });
    try {
      await probe.connect();
      await probe.query("SELECT 1");
      await probe.end();
      break;
    } catch (error) {
      await probe.end().catch(() => undefined);
      if (attempt >= 50 || child.exitCode !== null) {
        await stop();
        throw new Error(`PgBouncer did not accept connections: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, adminUrl, stop };
}
