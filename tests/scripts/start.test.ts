// `npm start` as an operator meets it: the launcher runs as a real child process and each
// misconfiguration must stop it with exit code 1 and one message naming the cause and the
// setting to change. Every case here stops before `next build`, so the file stays fast.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { readMigrations } from "../../lib/db/migrate";
import { configSchema } from "../../lib/env";
import { createDatabase, freePort } from "../support/postgres-admin";

const root = path.resolve(import.meta.dirname, "../..");

type Run = { code: number | null; stdout: string; stderr: string; output: string };

/** Runs the `start` script of package.json (with this Node), with only `env` as Shiplog settings. */
async function runStart(env: Record<string, string>, timeoutMs = 20_000): Promise<Run> {
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.split(" ");
  expect(command).toBe("node");
  const base = { ...process.env };
  for (const name of Object.keys(configSchema.shape)) delete base[name];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr, output: stdout + stderr };
}

/** The failure message alone: no stack trace, one cause. */
function expectCleanFailure(run: Run) {
  expect(run.code, run.output).toBe(1);
  expect(run.stderr).toContain("Shiplog could not start");
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "shiplog-start-test-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Listens on `port` and accepts connections without ever answering them. */
async function hold(port: number, host?: string): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return server;
}

describe("npm start refuses to start, naming the setting to change", () => {
  it("when PORT is not a port number", async () => {
    const run = await runStart({ PORT: "not-a-port" });
    expectCleanFailure(run);
    expect(run.stderr).toMatch(/PORT: .*"not-a-port"/);
  });

  it("when PORT is out of range", async () => {
    const run = await runStart({ PORT: "70000" });
    expectCleanFailure(run);
    expect(run.stderr).toMatch(/PORT: .*"70000"/);
  });

  it("when PORT is already in use, before starting PostgreSQL", async () => {
    const port = await freePort();
    await hold(port, "127.0.0.1");
    const dataDir = path.join(await tempDir(), "data");
    const run = await runStart({ PORT: String(port), SHIPLOG_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()) });
    expectCleanFailure(run);
    expect(run.stderr).toContain(`Port ${port} is already in use`);
    expect(run.stderr).toContain("set PORT to a free port");
    await expect(stat(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("when DATABASE_URL cannot be reached, without printing its password", async () => {
    const closedPort = await freePort();
    const run = await runStart({
      PORT: String(await freePort()),
      DATABASE_URL: `postgresql://shiplog:hunter2secret@127.0.0.1:${closedPort}/shiplog`,
    });
    expectCleanFailure(run);
    expect(run.stderr).toContain(`DATABASE_URL points at shiplog@127.0.0.1:${closedPort}/shiplog`);
    expect(run.stderr).toContain("ECONNREFUSED");
    expect(run.output).not.toContain("hunter2secret");
  });

  it("when DATABASE_URL accepts connections but never answers, within DATABASE_CONNECT_TIMEOUT_MS", async () => {
    const port = await freePort();
    await hold(port, "127.0.0.1"); // accepts TCP, never speaks the PostgreSQL protocol
    const started = Date.now();
    const run = await runStart({
      PORT: String(await freePort()),
      DATABASE_URL: `postgresql://shiplog@127.0.0.1:${port}/shiplog`,
      DATABASE_CONNECT_TIMEOUT_MS: "500",
    });
    expectCleanFailure(run);
    expect(run.stderr).toContain("no answer within 500 ms (DATABASE_CONNECT_TIMEOUT_MS)");
    expect(run.stderr).toContain("DATABASE_URL");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("when SHIPLOG_DATA_DIR cannot be written", async () => {
    const file = path.join(await tempDir(), "a-file");
    await writeFile(file, "not a folder");
    const run = await runStart({
      PORT: String(await freePort()),
      SHIPLOG_DATA_DIR: path.join(file, "data"),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    });
    expectCleanFailure(run);
    expect(run.stderr).toContain(`The data folder ${path.join(file, "data")} cannot be written`);
    expect(run.stderr).toContain("Set SHIPLOG_DATA_DIR to a writable folder");
  });

  it("when EMBEDDED_POSTGRES_PORT is already in use", async () => {
    const pgPort = await freePort();
    await hold(pgPort, "127.0.0.1");
    const run = await runStart({
      PORT: String(await freePort()),
      SHIPLOG_DATA_DIR: path.join(await tempDir(), "data"),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
    });
    expectCleanFailure(run);
    expect(run.stderr).toContain(`Port ${pgPort} on 127.0.0.1 is already in use`);
    expect(run.stderr).toContain("EMBEDDED_POSTGRES_PORT");
  });

  // A migration that fails against this database (here: the first migration's first table
  // already exists) must stop start-up and leave nothing of itself behind.
  it("when a migration fails, leaving nothing half-migrated", async () => {
    const [first] = await readMigrations();
    if (!first) throw new Error("no migrations in prisma/migrations");
    const table = /CREATE TABLE (?:IF NOT EXISTS )?"([^"]+)"/i.exec(first.sql)?.[1];
    if (!table) throw new Error(`${first.name} creates no table to collide with`);
    const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_start_conflict" });
    cleanups.push(database.drop);
    await query(database.url, `CREATE TABLE "${table}" (squatter text)`);

    const run = await runStart({ PORT: String(await freePort()), DATABASE_URL: database.url });

    expectCleanFailure(run);
    expect(run.stderr).toContain(`Migration ${first.name} failed and was rolled back`);
    expect(run.stderr).toContain("DATABASE_URL");
    const tables = await query(
      database.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((row) => row.table_name).sort()).toEqual(["_prisma_migrations", table].sort());
    expect(await query(database.url, `SELECT * FROM "_prisma_migrations"`)).toEqual([]);
  });
});

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
