// The fleet matrix's view without its schema: what a browser needs to build the view's URL.
export const FLEET_GROUPS = ["none", "team", "environment", "cluster", "region"] as const;
export type FleetGroup = (typeof FLEET_GROUPS)[number];

export const FLEET_ONLY = ["degraded", "out-of-sync", "skewed"] as const;
export type FleetOnly = (typeof FLEET_ONLY)[number];

/** The query string of a view, defaults left out so URLs stay short (`?group=team&q=pay`). */
export function fleetViewSearch(view: { group?: FleetGroup; q?: string; only?: FleetOnly }): string {
  const params = new URLSearchParams();
  if (view.group && view.group !== "none") params.set("group", view.group);
  if (view.q) params.set("q", view.q);
  if (view.only) params.set("only", view.only);
  const text = params.toString();
  return text ? `?${text}` : "";
}
