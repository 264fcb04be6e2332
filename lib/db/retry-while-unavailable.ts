// Runs a step that needs the database again and again while the database is unavailable (not
// started yet, restarting, failing over), with growing pauses, instead of letting a process
// that started a moment too early give up for good. Any other error is the step's own and is
// thrown. Undefined when `signal` aborts first (the process is stopping).
import { setTimeout as sleep } from "node:timers/promises";
import { isDatabaseUnavailable } from "./is-database-unavailable";

export async function retryWhileUnavailable<T>(
  work: () => Promise<T>,
  options: { what: string; log: (line: string) => void; signal?: AbortSignal; firstDelayMs?: number; maxDelayMs?: number },
): Promise<T | undefined> {
  const { what, log, signal, maxDelayMs = 10_000 } = options;
  let delay = options.firstDelayMs ?? 500;
  for (let attempt = 1; ; attempt += 1) {
    if (signal?.aborted) return undefined;
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      // The first failure and then every tenth: a long outage is not a line every few seconds.
      if (attempt === 1 || attempt % 10 === 0) {
        log(`${what}: the database is unavailable (${firstLine(error)}); trying again every ${Math.round(Math.min(delay * 2, maxDelayMs) / 1000)} s at most`);
      }
    }
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      return undefined; // aborted while waiting
    }
    delay = Math.min(delay * 2, maxDelayMs);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split("\n").at(-1)?.trim() ?? message;
}
