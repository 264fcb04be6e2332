// The JSON shape of GET /api/v1/metrics/teams (and its OpenAPI description), checked against the
// DoraTeamComparison type at compile time so the two cannot drift.
import { z } from "zod";
import { DORA_PERFORMANCE_REPORT, doraLevelSchema } from "./classify-dora-performance";
import { doraDefinitionsSchema } from "./dora-definitions";
import { doraTotalsSchema, doraWindowSchema } from "./dora-metrics-schema";
import type { DoraTeamComparison } from "./list-dora-team-comparison";
import { DORA_TEAM_SORT_KEYS } from "./sort-dora-teams";

export const doraTeamComparisonSchema = z
  .object({
    window: doraWindowSchema,
    definitions: doraDefinitionsSchema,
    granularity: z.enum(["day", "week"]).meta({ description: "The trend's buckets." }),
    sort: z.object({ by: z.enum(DORA_TEAM_SORT_KEYS), order: z.enum(["asc", "desc"]) }),
    teams: z.array(
      z.object({
        team: z.object({ slug: z.string(), name: z.string() }),
        current: doraTotalsSchema.meta({ description: "The same numbers as `current` of GET /api/v1/metrics/dora?team=<slug> for this window." }),
        levels: z
          .object({ deploymentFrequency: doraLevelSchema, leadTime: doraLevelSchema, changeFailureRate: doraLevelSchema, restore: doraLevelSchema })
          .meta({ description: `Performance level of each key by the ${DORA_PERFORMANCE_REPORT} (thresholds in docs/metrics.md).` }),
        trend: z
          .array(z.object({ start: z.string().meta({ description: "First UTC day of the bucket." }), deployments: z.number().int(), failures: z.number().int() }))
          .meta({ description: "Production deployments and failures per bucket of the window." }),
      }),
    ),
  })
  .meta({ id: "DoraTeamComparison" });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameComparison: Same<z.output<typeof doraTeamComparisonSchema>, DoraTeamComparison> = true;
void sameComparison;
