// The timeline's filters as they live in the URL (/timeline?team=payments&environment=prod).
// Pure and free of server imports, so the page, its client components and other pages that
// link to a filtered timeline share one spelling. The names are exactly listDeploymentsQuery's
// (a test holds them equal), so a timeline URL's query string is also a valid
// GET /api/v1/deployments query string.

export const TIMELINE_FILTER_NAMES = ["service", "team", "environment", "cluster", "region", "status", "initiatedBy", "from", "to", "q"] as const;

export type TimelineFilterName = (typeof TIMELINE_FILTER_NAMES)[number];

/** Filters as the URL spells them: only the ones set, trimmed, never empty. */
export type TimelineFilters = Partial<Record<TimelineFilterName, string>>;

const FILTER_NAMES: ReadonlySet<string> = new Set(TIMELINE_FILTER_NAMES);

/**
 * Filters from a query string or Next's searchParams. Unknown parameters and blank values are
 * kept out; a parameter given twice keeps its first value here (the API refuses it, so the
 * page's validation of the raw parameters is what reports it).
 */
export function readTimelineFilters(source: URLSearchParams | Record<string, string | string[] | undefined>): TimelineFilters {
  const filters: TimelineFilters = {};
  const entries: [string, string][] =
    source instanceof URLSearchParams
      ? [...source]
      : Object.entries(source).flatMap(([key, value]) => (value === undefined ? [] : [value].flat().map((item): [string, string] => [key, item])));
  for (const [key, raw] of entries) {
    const value = raw.trim();
    if (!FILTER_NAMES.has(key) || value === "" || filters[key as TimelineFilterName] !== undefined) continue;
    filters[key as TimelineFilterName] = value;
  }
  return filters;
}

/** The query string of a filtered timeline, in one stable order (so equal filters give equal URLs). */
export function timelineSearchParams(filters: TimelineFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of TIMELINE_FILTER_NAMES) {
    const value = filters[name]?.trim();
    if (value) params.set(name, value);
  }
  return params;
}

/**
 * `/timeline` with these filters, for links from other pages. Commas stay commas
 * (`status=FAILED,DEGRADED`): legal in a query string, and what a person would type.
 */
export function timelineHref(filters: TimelineFilters): string {
  const query = timelineSearchParams(filters).toString().replaceAll("%2C", ",");
  return query ? `/timeline?${query}` : "/timeline";
}

/** The values of a list filter (`status=FAILED,DEGRADED`), each once, blanks dropped. */
export function readListFilter(value: string | undefined): string[] {
  return [...new Set((value ?? "").split(",").map((item) => item.trim()).filter(Boolean))];
}

/**
 * A list filter with one value turned on or off, written in `order` (the order the form lists
 * them), so the same choice is always the same URL; "" when nothing is left on.
 */
export function toggleListFilter(value: string | undefined, item: string, on: boolean, order: readonly string[]): string {
  const chosen = new Set(readListFilter(value));
  if (on) chosen.add(item);
  else chosen.delete(item);
  const known = order.filter((candidate) => chosen.has(candidate));
  const unknown = [...chosen].filter((candidate) => !order.includes(candidate));
  return [...known, ...unknown].join(",");
}

/** Sets (or, with an empty value, clears) some filters; the rest stay. */
export function withTimelineFilters(filters: TimelineFilters, changes: TimelineFilters): TimelineFilters {
  const next: TimelineFilters = { ...filters };
  for (const name of TIMELINE_FILTER_NAMES) {
    if (!(name in changes)) continue;
    const value = changes[name]?.trim();
    if (value) next[name] = value;
    else delete next[name];
  }
  return next;
}

export const QUICK_RANGES = [
  { key: "1h", label: "Last hour", ms: 60 * 60_000 },
  { key: "24h", label: "Last 24 h", ms: 24 * 60 * 60_000 },
  { key: "7d", label: "Last 7 days", ms: 7 * 24 * 60 * 60_000 },
  { key: "30d", label: "Last 30 days", ms: 30 * 24 * 60 * 60_000 },
] as const;

export type QuickRangeKey = (typeof QUICK_RANGES)[number]["key"];

/**
 * A quick range as filters: `from` that long before `now` (to the minute, so the URL stays
 * short) and no `to`, so deployments arriving later still show.
 */
export function quickRangeFilters(key: QuickRangeKey, now: Date): TimelineFilters {
  const range = QUICK_RANGES.find((candidate) => candidate.key === key)!;
  const from = new Date(Math.floor((now.getTime() - range.ms) / 60_000) * 60_000);
  return { from: from.toISOString().replace(".000Z", "Z"), to: undefined };
}

/** Whether any filter is set (the empty state then offers to clear them). */
export function hasTimelineFilters(filters: TimelineFilters): boolean {
  return TIMELINE_FILTER_NAMES.some((name) => filters[name] !== undefined);
}
