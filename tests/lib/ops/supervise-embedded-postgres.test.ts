// `npm start`'s embedded PostgreSQL killed under it (issue 13, section 6): the supervisor starts
// it again on the same data and port, up to EMBEDDED_POSTGRES_RESTARTS times, and otherwise
// reports why it gave up; stopping a server that is already gone returns at once (it used to wait
// 30 s for a postmaster.pid that a killed server never removes). Real PostgreSQL, real SIGKILL.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { pathExists, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { superviseEmbeddedPostgres } from "@/lib/ops/supervise-embedded-postgres";
import { freePort } from "../../support/postgres-admin";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

async function embedded() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "shiplog-supervise-test-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const options = { dataDir, port: await freePort(), database: "shiplog", persistent: true };
  const start = () => startEmbeddedPostgres(options);
  const first = await start();
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  const pid = async () => Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  return { first, start, pid, pidFile, url: first.url };
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  // The server is killed on purpose: its goodbye reaches the awaited calls, not the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until<T>(read: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe("superviseEmbeddedPostgres", () => {
  it("starts a killed PostgreSQL again on the same data and port, and stops it at once afterwards", { timeout: 90_000 }, async () => {
    const server = await embedded();
    const lines: string[] = [];
    const supervised = superviseEmbeddedPostgres(server.first, { start: server.start, maxRestarts: 2, restartDelayMs: 100, log: (line) => lines.push(line) });
    cleanups.push(supervised.stop);
    await query(server.url, "CREATE TABLE survivor (name text); INSERT INTO survivor VALUES ('still here')");
    const killed = await server.pid();

    process.kill(killed, "SIGKILL");

    const rows = await until(() => query(server.url, "SELECT name FROM survivor"), 60_000);
    expect(rows).toEqual([{ name: "still here" }]);
    expect(await server.pid()).not.toBe(killed);
    expect(lines[0]).toMatch(/exited unexpectedly \(signal SIGKILL\); restarting it \(restart 1 of 2 allowed within 10 minutes, EMBEDDED_POSTGRES_RESTARTS\)/);
    // The server answers a moment before its restart is done (the database is checked after it
    // accepts connections): the supervisor says so once that is over.
    await until(async () => expect(lines.at(-1)).toMatch(/running again/), 30_000);

    const stopping = Date.now();
    await supervised.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(await pathExists(server.pidFile)).toBe(false);
  });

  it("gives up naming EMBEDDED_POSTGRES_RESTARTS when it may not restart, and stopping the dead server returns at once", { timeout: 60_000 }, async () => {
    const server = await embedded();
    const supervised = superviseEmbeddedPostgres(server.first, { start: server.start, maxRestarts: 0, restartDelayMs: 100, log: () => undefined });
    cleanups.push(supervised.stop);

    process.kill(await server.pid(), "SIGKILL");

    const reason = await supervised.failed;
    expect(reason.message).toBe("The embedded PostgreSQL exited (signal SIGKILL) and EMBEDDED_POSTGRES_RESTARTS=0 leaves restarting to a supervisor.");
    // A killed postmaster leaves postmaster.pid behind: this is what used to wait 30 s.
    expect(await pathExists(server.pidFile)).toBe(true);
    const stopping = Date.now();
    await supervised.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    await expect(query(server.url, "SELECT 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("counts restarts within the window: the next exit past the limit is the last", { timeout: 120_000 }, async () => {
    const server = await embedded();
    const lines: string[] = [];
    const supervised = superviseEmbeddedPostgres(server.first, { start: server.start, maxRestarts: 1, restartDelayMs: 100, log: (line) => lines.push(line) });
    cleanups.push(supervised.stop);

    process.kill(await server.pid(), "SIGKILL");
    await until(() => query(server.url, "SELECT 1"), 60_000);
    process.kill(await server.pid(), "SIGKILL");

    expect((await supervised.failed).message).toMatch(/^The embedded PostgreSQL exited \(signal SIGKILL\) after 1 restart\(s\) within 10 minutes; .*Raise EMBEDDED_POSTGRES_RESTARTS/);
    expect(lines.filter((line) => line.includes("running again"))).toHaveLength(1);
  });

  it("does not restart a server that exits while the launcher is stopping (Ctrl-C reaches PostgreSQL too)", { timeout: 60_000 }, async () => {
    const server = await embedded();
    const stopping = new AbortController();
    const lines: string[] = [];
    const supervised = superviseEmbeddedPostgres(server.first, { start: server.start, maxRestarts: 3, restartDelayMs: 500, log: (line) => lines.push(line), signal: stopping.signal });
    cleanups.push(supervised.stop);

    process.kill(await server.pid(), "SIGINT"); // the terminal's Ctrl-C, as PostgreSQL receives it
    stopping.abort(); // …and as the launcher receives it
    await server.first.exited;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await supervised.stop();

    expect(lines).toEqual([]);
    expect(await pathExists(server.pidFile)).toBe(false);
  });
});
