// The fleet matrix's view as a query string: grouping, search, one "only" filter and the
// window of rows. The page (/?group=team&q=pay&only=degraded) and GET /api/v1/fleet/matrix
// read it with the same schema, so a bookmarked view and an API call mean the same rows.
import { z } from "zod";
import { limitField, strictQuery, textField } from "../api/query-fields";
import { FLEET_GROUPS, FLEET_ONLY } from "./fleet-view";

/** The view: what the page keeps in its URL. */
export const fleetViewFields = {
  group: z
    .enum(FLEET_GROUPS, { error: `must be one of ${FLEET_GROUPS.join(", ")}` })
    .default("none")
    .meta({ description: "Group rows by team, environment, cluster or region (`none`: one list by service name). Under cluster or region a service appears once per cluster or region it runs in, its cells counting only the applications there." }),
  q: textField.optional().meta({ description: "Text anywhere in the service name (case-insensitive)." }),
  only: z
    .enum(FLEET_ONLY, { error: `must be one of ${FLEET_ONLY.join(", ")}` })
    .optional()
    .meta({ description: "Only rows with a degraded application, an out-of-sync application, or more than one version running (skew)." }),
};

export const fleetViewQuery = z.object(fleetViewFields);
export type FleetView = z.output<typeof fleetViewQuery>;

export const FLEET_MATRIX_MAX_LIMIT = 200;

export const fleetMatrixQuery = z.strictObject(
  {
    ...fleetViewFields,
    offset: z.coerce
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(0, "must be at least 0")
      .max(1_000_000, "must be at most 1000000")
      .default(0)
      .meta({ description: "Index of the first row of the window (rows are numbered from 0 across all groups)." }),
    limit: limitField(100, FLEET_MATRIX_MAX_LIMIT),
  },
  strictQuery,
);

export type FleetMatrixOptions = z.output<typeof fleetMatrixQuery>;

export type FleetViewReading = { ok: true; view: FleetView } | { ok: false; view: FleetView; problems: string[] };

/**
 * The page's view from its searchParams. A bad value is not a crash: the page shows the
 * problem and falls back to the default for that parameter only. Offsets and unknown
 * parameters are ignored (they belong to the API, or to nobody).
 */
export function readFleetView(searchParams: Record<string, string | string[] | undefined>): FleetViewReading {
  const view: FleetView = { group: "none" };
  const problems: string[] = [];
  for (const name of ["group", "q", "only"] as const) {
    const raw = searchParams[name];
    if (raw === undefined || raw === "") continue;
    const parsed = fleetViewFields[name].safeParse(raw);
    if (parsed.success) {
      if (parsed.data !== undefined) (view as Record<string, unknown>)[name] = parsed.data;
    } else {
      const shown = Array.isArray(raw) ? raw.join(", ") : raw;
      problems.push(`${name} “${shown.slice(0, 80)}”: ${Array.isArray(raw) ? "given more than once" : (parsed.error.issues[0]?.message ?? "is not valid")}`);
    }
  }
  return problems.length === 0 ? { ok: true, view } : { ok: false, view, problems };
}

