// Keeps `npm start`'s embedded PostgreSQL running. When it exits without being asked to (killed,
// out of memory, a crash) it is started again on the same data and port: the URL does not
// change, so the web server and its worker, which reconnect by themselves, carry on. The
// restarts are bounded (EMBEDDED_POSTGRES_RESTARTS within 10 minutes) so a server that keeps
// dying (a full disk) is not restarted forever; past that, or when it cannot start again,
// `failed` settles and the launcher stops and exits 1 for its own supervisor to act.
import { setTimeout as sleep } from "node:timers/promises";
import type { PostgresExit, RunningPostgres } from "../db/embedded-postgres";

export type SupervisedPostgres = {
  /** Stops PostgreSQL for good (no restart after this); safe to call twice. */
  stop: () => Promise<void>;
  /** Settles when PostgreSQL is gone and will not be restarted: why, in words for the operator. */
  failed: Promise<Error>;
};

export const RESTART_WINDOW_MS = 10 * 60_000;

export function superviseEmbeddedPostgres(
  first: RunningPostgres,
  options: {
    /** Starts PostgreSQL again on the same data and port. */
    start: () => Promise<RunningPostgres>;
    maxRestarts: number;
    log: (line: string) => void;
    /** Aborted when the launcher starts stopping: an exit from then on is expected (Ctrl-C reaches PostgreSQL too). */
    signal?: AbortSignal;
    windowMs?: number;
    /** Pause before a restart, doubled per failed attempt; long enough that a launcher stopping on the same Ctrl-C wins. */
    restartDelayMs?: number;
    /** Starts tried per exit before giving up (a killed server's backends may hold its memory a moment). */
    attempts?: number;
  },
): SupervisedPostgres {
  const { maxRestarts, log, windowMs = RESTART_WINDOW_MS, restartDelayMs = 1_000, attempts = 3 } = options;
  let current = first;
  const stopping = new AbortController();
  options.signal?.addEventListener("abort", () => stopping.abort(), { once: true });
  if (options.signal?.aborted) stopping.abort();
  let restarting: Promise<void> | undefined;
  const restartTimes: number[] = [];
  let fail!: (reason: Error) => void;
  const failed = new Promise<Error>((resolve) => (fail = resolve));

  const watch = (running: RunningPostgres) => {
    void running.exited.then((exit) => {
      if (stopping.signal.aborted || running !== current) return;
      restarting = restart(exit);
    });
  };

  const restart = async (exit: PostgresExit) => {
    const now = Date.now();
    while (restartTimes.length > 0 && restartTimes[0]! <= now - windowMs) restartTimes.shift();
    const how = describePostgresExit(exit);
    if (restartTimes.length >= maxRestarts) {
      fail(
        new Error(
          maxRestarts === 0
            ? `The embedded PostgreSQL exited (${how}) and EMBEDDED_POSTGRES_RESTARTS=0 leaves restarting to a supervisor.`
            : `The embedded PostgreSQL exited (${how}) after ${maxRestarts} restart(s) within ${windowMs / 60_000} minutes; ` +
                "its log in SHIPLOG_DATA_DIR says why. Raise EMBEDDED_POSTGRES_RESTARTS to allow more.",
        ),
      );
      return;
    }
    restartTimes.push(now);
    log(`the embedded PostgreSQL exited unexpectedly (${how}); restarting it (restart ${restartTimes.length} of ${maxRestarts} allowed within ${windowMs / 60_000} minutes, EMBEDDED_POSTGRES_RESTARTS)`);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        await sleep(restartDelayMs * 2 ** (attempt - 1), undefined, { signal: stopping.signal });
      } catch {
        return; // the launcher is stopping: nothing to restart
      }
      try {
        const started = Date.now();
        const running = await options.start();
        if (stopping.signal.aborted) return void (await running.stop());
        current = running;
        watch(running);
        log(`the embedded PostgreSQL is running again (started in ${((Date.now() - started) / 1000).toFixed(1)} s); the web server reconnects by itself`);
        return;
      } catch (error) {
        lastError = error;
        log(`restarting the embedded PostgreSQL failed (attempt ${attempt} of ${attempts}): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
    }
    fail(new Error(`The embedded PostgreSQL exited (${how}) and could not be started again: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError }));
  };

  watch(first);
  return {
    failed,
    stop: async () => {
      stopping.abort();
      await restarting;
      await current.stop();
    },
  };
}

export function describePostgresExit(exit: PostgresExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
