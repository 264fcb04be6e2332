// The query string of /metrics and the DORA API: scope (team, service) and window (days, or
// from/to as whole UTC days). Zod turns a bad value into a 400 naming it (or a message on the page).
import { z } from "zod";
import { keysetCursor } from "../api/keyset-cursor";
import { limitField, nameField, strictQuery } from "../api/query-fields";
import { MAX_WINDOW_DAYS } from "./dora-window";
import { DRILLDOWN_GROUPINGS } from "./list-dora-drilldown-groups";
import { doraTeamSortFields } from "./sort-dora-teams";

const dayField = z.iso.date({ error: "must be a date like 2026-11-01" }).transform((text) => new Date(`${text}T00:00:00Z`));

export const doraScopeFields = {
  team: nameField.optional().meta({ description: "Team slug; absent: the whole fleet." }),
  service: nameField.optional().meta({ description: "Service name; absent: every service (of the team)." }),
  days: z.coerce
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(MAX_WINDOW_DAYS, `must be at most ${MAX_WINDOW_DAYS}`)
    .optional()
    .meta({ description: "The last N days up to today (UTC), default 30; ignored when from is given." }),
  from: dayField.optional().meta({ description: "First day of a custom window (UTC date, 2026-10-01)." }),
  to: dayField.optional().meta({ description: "Last day of a custom window, inclusive (UTC date); default today." }),
};

function checkWindow(query: { from?: Date; to?: Date }, context: z.RefinementCtx) {
  if (query.from && query.to && query.from.getTime() > query.to.getTime()) {
    context.addIssue({ code: "custom", path: ["from"], message: "must be on or before to" });
  }
  if (query.from && query.to && (query.to.getTime() - query.from.getTime()) / 86_400_000 + 1 > MAX_WINDOW_DAYS) {
    context.addIssue({ code: "custom", path: ["to"], message: `a window covers at most ${MAX_WINDOW_DAYS} days` });
  }
}

const perField = z
  .enum(["day", "week"], { error: "must be day or week" })
  .optional()
  .meta({ description: "Trend buckets; default per day up to 31 days, per week beyond." });

export const doraMetricsQuery = z.strictObject({ ...doraScopeFields, per: perField }, strictQuery).superRefine(checkWindow);
export type DoraMetricsQuery = z.output<typeof doraMetricsQuery>;

const instantKey = z.iso.datetime().transform((text) => new Date(text));
const idKey = z.number().int().positive();

/** Keyset cursors of the drill-downs, each the sort key of a page's last row (newest first). */
export const doraDeploymentCursor = keysetCursor(z.tuple([instantKey, idKey]).transform(([startedAt, id]) => ({ startedAt, id })));
export type DoraDeploymentCursor = z.output<typeof doraDeploymentCursor>;
export const leadTimeCommitCursor = keysetCursor(
  z.tuple([instantKey, z.string().min(1).max(200), idKey]).transform(([reachedAt, sha, releaseId]) => ({ reachedAt, sha, releaseId })),
);
export type LeadTimeCommitCursor = z.output<typeof leadTimeCommitCursor>;
export const doraIncidentCursor = keysetCursor(z.tuple([instantKey, idKey]).transform(([startedAt, failedDeploymentId]) => ({ startedAt, failedDeploymentId })));
export type DoraIncidentCursor = z.output<typeof doraIncidentCursor>;

const groupField = z
  .enum(DRILLDOWN_GROUPINGS, { error: `must be one of ${DRILLDOWN_GROUPINGS.join(", ")}` })
  .optional()
  .meta({ description: "Also count the whole list's rows per team or per service (`groups` in the answer)." });

const drilldownFields = { ...doraScopeFields, limit: limitField(100, 500), group: groupField };

export const doraLeadTimeQuery = z.strictObject({ ...drilldownFields, cursor: leadTimeCommitCursor.optional() }, strictQuery).superRefine(checkWindow);
export const doraIncidentsQuery = z.strictObject({ ...drilldownFields, cursor: doraIncidentCursor.optional() }, strictQuery).superRefine(checkWindow);

export const doraDeploymentsQuery = z
  .strictObject(
    {
      ...drilldownFields,
      cursor: doraDeploymentCursor.optional(),
      failed: z.enum(["true", "false"], { error: "must be true or false" }).optional().meta({ description: "true: only the deployments counted as failures." }),
    },
    strictQuery,
  )
  .superRefine(checkWindow);
export type DoraDeploymentsQuery = z.output<typeof doraDeploymentsQuery>;

const { team: _team, service: _service, ...doraWindowFields } = doraScopeFields;

/** GET /api/v1/metrics/teams and /metrics/teams: a window, the trend's buckets and the order. */
export const doraTeamsQuery = z.strictObject({ ...doraWindowFields, per: perField, ...doraTeamSortFields }, strictQuery).superRefine(checkWindow);
export type DoraTeamsQuery = z.output<typeof doraTeamsQuery>;

/** The page's parameters: the metrics query plus which drill-down is open. */
export const DRILLDOWNS = ["deployments", "failures", "lead-time", "restore"] as const;
export const metricsPageQuery = z
  .strictObject(
    {
      ...doraScopeFields,
      per: perField,
      drill: z.enum(DRILLDOWNS, { error: `must be one of ${DRILLDOWNS.join(", ")}` }).optional(),
      group: groupField,
      // Decoded by the drill-down with its own cursor schema: each list has its own sort key.
      cursor: z.string().max(1000).optional(),
    },
    strictQuery,
  )
  .superRefine(checkWindow);
export type MetricsPageQuery = z.output<typeof metricsPageQuery>;
