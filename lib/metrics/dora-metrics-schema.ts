// The JSON shape of GET /api/v1/metrics/dora (and its OpenAPI description), checked against the
// DoraMetrics type at compile time so the two cannot drift.
import { z } from "zod";
import { doraComparisonSchema } from "./compare-dora-windows";
import { doraDefinitionsSchema } from "./dora-definitions";
import type { DoraMetrics } from "./get-dora-metrics";

export const doraWindowSchema = z.object({
  from: z.date().meta({ description: "UTC midnight of the first day." }),
  to: z.date().meta({ description: "UTC midnight after the last day (exclusive)." }),
  days: z.number().int(),
});

export const doraTotalsSchema = z
  .object({
    deployments: z.number().int().meta({ description: "Production deployments started in the window." }),
    deploymentsPerDay: z.number(),
    failures: z.number().int(),
    changeFailureRate: z.number().nullable().meta({ description: "failures / deployments; null without deployments." }),
    leadTimeCommits: z.number().int().meta({ description: "Commits that reached production in the window: the rows of GET /api/v1/metrics/dora/lead-time." }),
    leadTimeMedianSeconds: z
      .number()
      .nullable()
      .meta({ description: "Median lead time of those commits, in seconds (the mean of the two middle ones for an even count): the headline figure. Null without commits." }),
    leadTimeSeconds: z.number().nullable().meta({ description: "Mean lead time of those commits, in seconds. Null without commits." }),
    incidents: z.number().int().meta({ description: "Restored incidents that started in the window: the restored rows of GET /api/v1/metrics/dora/incidents." }),
    restoreMedianSeconds: z
      .number()
      .nullable()
      .meta({ description: "Median time to restore of those incidents, in seconds: the headline figure. Null without restored incidents." }),
    restoreSeconds: z.number().nullable().meta({ description: "Mean time to restore of those incidents, in seconds. Null without restored incidents." }),
  })
  .meta({ id: "DoraTotals" });

export const doraMetricsSchema = z
  .object({
    scope: z.object({ teamId: z.number().int().nullable(), serviceId: z.number().int().nullable(), team: z.string().nullable(), service: z.string().nullable() }),
    definitions: doraDefinitionsSchema,
    window: doraWindowSchema,
    previousWindow: doraWindowSchema,
    current: doraTotalsSchema,
    previous: doraTotalsSchema,
    comparison: doraComparisonSchema,
    granularity: z.enum(["day", "week"]),
    series: z.array(
      z.object({
        start: z.string().meta({ description: "First UTC day of the bucket." }),
        deployments: z.number().int(),
        failures: z.number().int(),
        changeFailureRate: z.number().nullable(),
        leadTimeMedianSeconds: z.number().nullable().meta({ description: "Median lead time of the commits that reached production in the bucket." }),
        leadTimeSeconds: z.number().nullable().meta({ description: "Mean lead time of those commits." }),
        restoreMedianSeconds: z.number().nullable().meta({ description: "Median time to restore of the restored incidents that started in the bucket." }),
        restoreSeconds: z.number().nullable().meta({ description: "Mean time to restore of those incidents." }),
      }),
    ),
  })
  .meta({ id: "DoraMetrics" });

export const doraDefinitionsUpdateSchema = z
  .object({ definitions: doraDefinitionsSchema, rebuilt: z.object({ rows: z.number().int(), milliseconds: z.number() }) })
  .meta({ id: "DoraDefinitionsSaved" });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameMetrics: Same<z.output<typeof doraMetricsSchema>, DoraMetrics> = true;
void sameMetrics;
