// The four DORA metrics for a scope and window, the previous window for comparison, and a trend.
import { readDb, type DbOrTx } from "../db/client";
import type { DoraDefinitions } from "./dora-definitions";
import { type DoraWindow, previousDoraWindow, resolveDoraWindow } from "./dora-window";
import { getDoraDefinitions } from "./get-dora-definitions";
import { listDoraDays } from "./list-dora-days";
import { type DoraScope, type DoraScopeNames, resolveDoraScope } from "./resolve-dora-scope";
import { buildDoraSeries, type DoraGranularity, type DoraSeriesPoint, type DoraTotals, doraGranularity, summarizeDora } from "./summarize-dora";

export type DoraMetrics = {
  scope: DoraScope;
  definitions: DoraDefinitions;
  window: DoraWindow;
  previousWindow: DoraWindow;
  current: DoraTotals;
  previous: DoraTotals;
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
  const days = await listDoraDays(scope, { from: previousWindow.from, to: window.to }, db);
  const granularity = options.granularity ?? doraGranularity(window);
  return {
    scope,
    definitions,
    window,
    previousWindow,
    current: summarizeDora(days, window),
    previous: summarizeDora(days, previousWindow),
    granularity,
    series: buildDoraSeries(days, window, granularity),
  };
}
