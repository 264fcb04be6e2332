// The processes a bench run starts besides `next start`: the ingestion worker and the accept
// server, run from their bundles as `npm run worker` and `npm run accept` run them
// (scripts/bundle-commands.ts), and the baseline server, a `node --import tsx` child; each is
// stopped with SIGTERM (then SIGKILL) at the end; and
// the resident memory of a process tree, since `next start` serves from a child it forks.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { commandNodeArgs } from "../bundle-commands";
import { BASELINE_READY_PREFIX } from "./baseline-server";
import type { ShiplogProcess } from "./scenario";
import { processTree } from "./process-tree";

export type BenchChild = ShiplogProcess & {
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. Safe to call twice. */
  stop: (graceMs?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const tsxArgs = ["--import", "tsx", "--conditions=react-server"];

/** Resident set size of `pid` and all its descendants, in MiB (0 once the process is gone). */
export async function processTreeRssMiB(pid: number): Promise<number> {
  let kib = 0;
  for (const member of await processTree(pid)) {
    const status = await readFile(`/proc/${member}/status`, "utf8").catch(() => "");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) kib += Number(match[1]);
  }
  return kib / 1024;
}

export function shiplogProcess(pid: number): ShiplogProcess {
  return { pid, rssMiB: () => processTreeRssMiB(pid) };
}

function track(child: ChildProcess, name: string): BenchChild {
  if (child.pid === undefined) throw new Error(`${name} could not be started`);
  const pid = child.pid;
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      gone = true;
      resolve({ code, signal });
    });
  });
  return {
    pid,
    rssMiB: () => processTreeRssMiB(pid),
    exited,
    stop: async (graceMs = 10_000) => {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `npm run worker` as its own process, with the web server's settings. */
export async function startWorker(root: string, env: NodeJS.ProcessEnv): Promise<BenchChild> {
  const child = spawn(process.execPath, await commandNodeArgs("worker"), { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
  return track(child, "the worker");
}

/** `npm run accept`, the dedicated accept server, on `port`; resolves with its URL once /api/health answers. */
export async function startAcceptServer(root: string, env: NodeJS.ProcessEnv, port: number): Promise<BenchChild & { url: string }> {
  const child = spawn(process.execPath, await commandNodeArgs("accept"), { cwd: root, env: { ...env, SHIPLOG_ACCEPT_PORT: String(port) }, stdio: ["ignore", "inherit", "inherit"] });
  const tracked = track(child, "the accept server");
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the accept server exited before listening (code ${child.exitCode})`);
    if ((await fetch(`${url}/api/health`).catch(() => null))?.ok) return { ...tracked, url };
    if (Date.now() > deadline) {
      await tracked.stop(2_000);
      throw new Error("the accept server did not answer /api/health within 60 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The baseline server on a free port; resolves with its URL once it listens. */
export async function startBaselineServer(root: string, env: NodeJS.ProcessEnv): Promise<BenchChild & { url: string }> {
  const child = spawn(process.execPath, [...tsxArgs, path.join(root, "scripts/bench/baseline-server.ts"), "--port", "0"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tracked = track(child, "the baseline server");
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error("the baseline server did not listen within 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(BASELINE_READY_PREFIX)) {
          clearTimeout(timer);
          resolve(line.slice(BASELINE_READY_PREFIX.length).split(" ")[0]!);
        } else {
          process.stdout.write(`[baseline] ${line}\n`);
        }
        newline = buffered.indexOf("\n");
      }
    });
    void tracked.exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`the baseline server exited before listening (code ${exit.code}, signal ${exit.signal})`));
    });
  }).catch(async (error: unknown) => {
    await tracked.stop(2_000);
    throw error;
  });
  return { ...tracked, url };
}
