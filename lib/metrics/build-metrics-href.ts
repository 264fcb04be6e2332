// Links into /metrics: the page reads exactly these parameters back (app/metrics/page.tsx).
export type MetricsHrefParams = {
  team?: string | null;
  service?: string | null;
  days?: number | null;
  from?: string | null;
  to?: string | null;
  /** Trend buckets: day or week. */
  per?: string | null;
  /** Which metric's drill-down to open: deployments, failures, lead-time or restore. */
  drill?: string | null;
  /** Count the drill-down's rows per team or service. */
  group?: string | null;
  /** The drill-down page after this keyset cursor. */
  cursor?: string | null;
};

export function buildMetricsHref(params: MetricsHrefParams): string {
  const search = new URLSearchParams();
  for (const key of ["team", "service", "days", "from", "to", "per", "drill", "group", "cursor"] as const) {
    const value = params[key];
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `/metrics?${query}` : "/metrics";
}
