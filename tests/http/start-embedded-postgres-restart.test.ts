// `npm start` with the embedded PostgreSQL, which gets killed under it (issue 13, section 6).
// The launcher starts it again on the same data, and the web server it started, untouched, is
// ready again; Ctrl-C then stops everything at once (it used to wait 30 s for a killed server's
// postmaster.pid). With EMBEDDED_POSTGRES_RESTARTS=0 it stops instead, exit code 1, naming the
// setting, for a supervisor to restart. The first start's last lines say how to sign in, and the
// printed password works. Needs the production build, hence the e2e project.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../lib/env";
import { freePort } from "../support/postgres-admin";

const root = path.resolve(import.meta.dirname, "../..");
let dataDir: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "shiplog-start-restart-"));
});

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

type Launcher = { child: ChildProcess; port: number; output: () => string; exited: Promise<number | null> };

/** `npm start` (its package.json command) with only `env` as Shiplog settings, until it says it is ready. */
async function startShiplog(env: Record<string, string>): Promise<Launcher> {
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } };
  const [, ...args] = pkg.scripts.start.split(" ");
  const base = { ...process.env };
  for (const name of Object.keys(configSchema.shape)) delete base[name];
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...base, NODE_ENV: "production", PORT: String(port), SHIPLOG_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), SHIPLOG_SEED: "none", LOG_LEVEL: "warn", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const launcher = { child, port, output: () => output, exited };
  // The start's last line: the first administrator's password on a first start, else where to open Shiplog.
  await until(() => (/\[shiplog\] ( {2}password: .*|Open .* in your browser\.)\n/.test(output) ? true : undefined), 120_000, launcher, "npm start being ready");
  return launcher;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, launcher: Launcher, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline || launcher.child.exitCode !== null) throw new Error(`${what}: not seen within ${timeoutMs} ms\nnpm start output:\n${launcher.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function readyStatus(port: number): Promise<number | string> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/api/ready`, { signal: AbortSignal.timeout(10_000) })).status;
  } catch (error) {
    return (error as Error).message;
  }
}

async function killPostgres(): Promise<number> {
  const pid = Number((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
  process.kill(pid, "SIGKILL");
  return pid;
}

describe("npm start when its embedded PostgreSQL is killed", () => {
  it("starts it again, the web server is ready again by itself, and Ctrl-C then stops at once", { timeout: 240_000 }, async () => {
    const shiplog = await startShiplog({});
    expect(await readyStatus(shiplog.port)).toBe(200);
    // A first start (a fresh data folder): its last lines say how to sign in (issue 16), and they work.
    // The last lines of everything in the terminal: the web server's own (Next's, the inline
    // worker's) come before them.
    const lastLines = shiplog.output().trimEnd().split("\n").slice(-4);
    expect(lastLines.slice(0, 3)).toEqual([
      "[shiplog] Sign in as the administrator created by this first start:",
      `[shiplog]   address:  http://localhost:${shiplog.port}/sign-in`,
      "[shiplog]   email:    admin@shiplog.local",
    ]);
    const password = /^\[shiplog\] {3}password: (\S+) {3}\(one-time/.exec(lastLines[3] ?? "")?.[1];
    expect(password, lastLines.join("\n")).toMatch(/^[\w-]{24}$/);
    const signedIn = await fetch(`http://localhost:${shiplog.port}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: `http://localhost:${shiplog.port}` },
      body: JSON.stringify({ email: "admin@shiplog.local", password }),
    });
    expect(signedIn.status).toBe(200);
    const killed = await killPostgres();
    const killedAt = Date.now();

    await until(() => (shiplog.output().includes("the embedded PostgreSQL is running again") ? true : undefined), 60_000, shiplog, "the restart");
    await until(async () => ((await readyStatus(shiplog.port)) === 200 ? true : undefined), 30_000, shiplog, "/api/ready 200 again");
    console.log(`[npm start] /api/ready 200 again ${Date.now() - killedAt} ms after PostgreSQL was killed`);
    expect(shiplog.output()).toMatch(/\[shiplog\] the embedded PostgreSQL exited unexpectedly \(signal SIGKILL\); restarting it \(restart 1 of 3 allowed within 10 minutes, EMBEDDED_POSTGRES_RESTARTS\)/);
    const pid = Number((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
    expect(pid).not.toBe(killed);

    const stopping = Date.now();
    shiplog.child.kill("SIGINT");
    expect(await shiplog.exited).toBe(0);
    const stopMs = Date.now() - stopping;
    console.log(`[npm start] Ctrl-C after the restart: stopped in ${stopMs} ms`);
    expect(stopMs).toBeLessThan(15_000);
    expect(shiplog.output()).toContain("[shiplog] PostgreSQL stopped");
    expect(shiplog.output()).not.toContain("while stopping");
  });

  it("with EMBEDDED_POSTGRES_RESTARTS=0, stops the web server and exits 1 naming the setting, at once", { timeout: 240_000 }, async () => {
    const shiplog = await startShiplog({ EMBEDDED_POSTGRES_RESTARTS: "0" });
    await killPostgres();
    const killedAt = Date.now();

    const code = await Promise.race([shiplog.exited, new Promise<string>((resolve) => setTimeout(() => resolve("still running after 30 s"), 30_000))]);
    const exitMs = Date.now() - killedAt;
    expect(code, shiplog.output()).toBe(1);
    console.log(`[npm start] EMBEDDED_POSTGRES_RESTARTS=0: exited 1 in ${exitMs} ms after PostgreSQL was killed`);
    expect(exitMs).toBeLessThan(15_000);
    expect(shiplog.output()).toContain("[shiplog] The embedded PostgreSQL exited (signal SIGKILL) and EMBEDDED_POSTGRES_RESTARTS=0 leaves restarting to a supervisor. Stopping Shiplog.");
    expect(shiplog.output()).toContain("[shiplog] web server stopped");
    expect(shiplog.output()).not.toContain("while stopping");
    expect(await readyStatus(shiplog.port)).toMatch(/fetch failed/);
  });
});
