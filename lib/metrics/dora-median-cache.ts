// Medians are the costly part of getDoraMetrics on a large fleet: an index range of the sample
// tables, but every sample of the range sorted (docs/metrics.md, "Medians"; about a second for a
// fleet-wide 90-day median at 20× the small bench fleet's samples, on a loaded machine). They
// change only when the samples change, and the rollups, written in the same transaction, hold
// those samples' count and sum per day: so each process keeps a median keyed by
// its question and by a fingerprint of the rollup days of its scope and range, and computes it
// again as soon as that fingerprint moves. The medians therefore always sit beside counts and
// means of the same rollup state. Requests for the same key share one computation.
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { DoraDefinitions } from "./dora-definitions";
import type { DoraWindow } from "./dora-window";
import type { DoraMedianSet } from "./list-dora-medians";
import type { DoraScope } from "./resolve-dora-scope";
import type { DoraDay, DoraGranularity } from "./summarize-dora";

/** At most this many questions per process (each answer is a few KB at most). */
const MAX_ENTRIES = 500;

const medians = new LRUCache<string, Promise<DoraMedianSet>>({ max: MAX_ENTRIES });

export type DoraMedianQuestion = {
  scope: Pick<DoraScope, "teamId" | "serviceId">;
  definitions: DoraDefinitions;
  window: DoraWindow;
  granularity: DoraGranularity;
  /** The rollup days of the scope over the previous and the current window. */
  days: DoraDay[];
};

export function doraMedianKey({ scope, definitions, window, granularity, days }: DoraMedianQuestion): string {
  const sums = days.map((day) => [day.day, day.leadCount, day.leadSeconds, day.restoreCount, day.restoreSeconds]);
  const question = [scope.teamId, scope.serviceId, definitions, window.from.toISOString(), window.days, granularity, sums];
  return createHash("sha256").update(JSON.stringify(question)).digest("base64url");
}

export function cachedDoraMedians(question: DoraMedianQuestion, compute: () => Promise<DoraMedianSet>): Promise<DoraMedianSet> {
  const key = doraMedianKey(question);
  const known = medians.get(key);
  if (known) return known;
  const pending = compute();
  medians.set(key, pending);
  // A failed computation is not remembered (unless a newer one took its place meanwhile).
  pending.catch(() => {
    if (medians.get(key) === pending) medians.delete(key);
  });
  return pending;
}
