// The four DORA metrics for a scope and window, the previous window for comparison, and a trend:
// lead time and time to restore as medians (the DORA report's measure) with the means beside them.
import { readDb, type DbOrTx } from "../db/client";
import { compareDoraWindows, type DoraComparison } from "./compare-dora-windows";
import type { DoraDefinitions } from "./dora-definitions";
import { type DoraWindow, previousDoraWindow, resolveDoraWindow } from "./dora-window";
import { findDoraHistoryStart } from "./find-dora-history-start";
import { getDoraDefinitions } from "./get-dora-definitions";
import { cachedDoraMedians } from "./dora-median-cache";
import { listDoraDays } from "./list-dora-days";
import { listDoraMedians } from "./list-dora-medians";
import { type DoraScope, type DoraScopeNames, resolveDoraScope } from "./resolve-dora-scope";
import { buildDoraSeries, type DoraGranularity, type DoraSeriesPoint, type DoraTotals, doraGranularity, summarizeDora } from "./summarize-dora";

export type DoraMetrics = {
  scope: DoraScope;
  definitions: DoraDefinitions;
  window: DoraWindow;
  previousWindow: DoraWindow;
  current: DoraTotals;
  previous: DoraTotals;
  /** Whether each change against `previous` means anything (compare-dora-windows.ts). */
  comparison: DoraComparison;
  granularity: DoraGranularity;
  series: DoraSeriesPoint[];
};

export type GetDoraMetricsOptions = DoraScopeNames & {
  days?: number;
  from?: Date;
  to?: Date;
  now?: Date;
  granularity?: DoraGranularity;
};

/** Null when the team or service is unknown. Throws RangeError for an impossible window. */
export async function getDoraMetrics(options: GetDoraMetricsOptions, db: DbOrTx = readDb()): Promise<DoraMetrics | null> {
  const window = resolveDoraWindow(options);
  const previousWindow = previousDoraWindow(window);
  const [scope, definitions] = await Promise.all([resolveDoraScope(options, db), getDoraDefinitions(db)]);
  if (!scope) return null;
  const granularity = options.granularity ?? doraGranularity(window);
  // Counts and means from the rollups; medians from the sample tables the refresher keeps beside
  // them (the rows the drill-downs list), computed again only when the rollups of this scope and
  // range have changed (dora-median-cache.ts): a fleet-wide median still sorts every sample of
  // the range, hundreds of thousands on a large fleet.
  const [days, historyFrom] = await Promise.all([listDoraDays(scope, { from: previousWindow.from, to: window.to }, db), findDoraHistoryStart(scope, db)]);
  const medians = await cachedDoraMedians({ scope, definitions, window, granularity, days }, () => listDoraMedians({ scope, window }, granularity, db));
  const previous = summarizeDora(days, previousWindow, medians.previous);
  return {
    scope,
    definitions,
    window,
    previousWindow,
    current: summarizeDora(days, window, medians.current),
    previous,
    comparison: compareDoraWindows(previousWindow, previous, historyFrom),
    granularity,
    series: buildDoraSeries(days, window, medians.buckets, granularity),
  };
}
