// Runs the Next.js server (`next start`, or `next dev`) as a child process and tells when
// it answers HTTP, so the launcher prints the address only once it can be opened.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { StartupError } from "../startup-error";
import { nextBin } from "./next-bin";

export type WebServerExit = { code: number | null; signal: NodeJS.Signals | null };

export type WebServer = {
  /** The `next` process (which forks the server itself as its child); undefined if it could not be spawned. */
  pid: number | undefined;
  /** Settles when the server process exits, for whatever reason. */
  exited: Promise<WebServerExit>;
  /** Resolves once the server answers HTTP; throws a StartupError if it exits or times out first. */
  waitUntilAnswering: (timeoutMs: number, signal?: AbortSignal) => Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Safe to call twice. */
  stop: (graceMs?: number) => Promise<WebServerExit>;
};

export function startWebServer(options: {
  root: string;
  mode: "start" | "dev";
  port: number;
  env: NodeJS.ProcessEnv;
}): WebServer {
  const { root, mode, port, env } = options;
  const child = spawn(process.execPath, [nextBin(root), mode, "--port", String(port)], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  let gone: WebServerExit | undefined;
  const exited = new Promise<WebServerExit>((resolve) => {
    child.once("exit", (code, signal) => resolve((gone = { code, signal })));
    // A process that could not be spawned at all may never emit 'exit'.
    child.once("error", () => resolve((gone = { code: child.exitCode ?? -1, signal: null })));
  });

  const stop = async (graceMs = 10_000) => {
    if (!gone) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  const waitUntilAnswering = async (timeoutMs: number, signal?: AbortSignal) => {
    const url = `http://127.0.0.1:${port}/api/health`;
    const deadline = Date.now() + timeoutMs;
    while (!gone) {
      signal?.throwIfAborted();
      if (Date.now() > deadline) {
        throw new StartupError(
          `The web server did not answer on port ${port} within ${Math.round(timeoutMs / 1000)} s; its output is above.`,
          "PORT",
        );
      }
      if (await answers(url)) return;
      await sleep(250);
    }
    throw new StartupError(
      `The web server (next ${mode}) exited before it answered on port ${port} ` +
        `(${describeExit(gone)}); its output is above. If the port was taken meanwhile, set PORT to a free port.`,
      "PORT",
    );
  };

  return { pid: child.pid, exited, waitUntilAnswering, stop };
}

export function describeExit(exit: WebServerExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

async function answers(url: string): Promise<boolean> {
  try {
    // Any HTTP answer means the server is serving; the health route itself says 200.
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    // Refused or timed out: not listening yet. The caller's loop decides when to give up.
    return false;
  }
}
