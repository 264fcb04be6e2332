// What the DORA metrics count, chosen by the operator and stored in the `settings` table
// (key DORA_DEFINITIONS_KEY). Read back through the same schema, so a hand-edited row that no
// longer parses falls back to the defaults instead of breaking /metrics.
import { z } from "zod";

export const DORA_DEFINITIONS_KEY = "dora.definitions";

/** Deployment statuses that may count as a failed change. */
export const FAILURE_STATUSES = ["FAILED", "DEGRADED", "ROLLED_BACK"] as const;

export const doraDefinitionsSchema = z.strictObject({
  /**
   * Environment names that count as production; null means "every environment marked
   * production" (environments.is_production).
   */
  productionEnvironments: z
    .array(z.string().trim().min(1, "environment names must not be empty").max(200, "environment names must be at most 200 characters"))
    .min(1, "name at least one production environment, or use null for the environments marked production")
    .max(50, "at most 50 production environments")
    .nullable(),
  /** Which deployment outcomes count as a failed change (and open an incident). */
  failureStatuses: z
    .array(z.enum(FAILURE_STATUSES, { error: `must be one of ${FAILURE_STATUSES.join(", ")}` }))
    .min(1, "choose at least one outcome that counts as a failure"),
  /** Lead time starts at the commit's time or at the merge of its pull request (commit time when it has none). */
  leadTimeStart: z.enum(["commit", "merge"], { error: "must be commit or merge" }),
});

export type DoraDefinitions = z.infer<typeof doraDefinitionsSchema>;

export const DEFAULT_DORA_DEFINITIONS: DoraDefinitions = {
  productionEnvironments: null,
  failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"],
  leadTimeStart: "commit",
};

/** Stored JSON → definitions; anything that does not parse gives the defaults. */
export function parseStoredDoraDefinitions(value: unknown): DoraDefinitions {
  const parsed = doraDefinitionsSchema.safeParse(value);
  if (!parsed.success) return DEFAULT_DORA_DEFINITIONS;
  return { ...parsed.data, failureStatuses: [...new Set(parsed.data.failureStatuses)].sort() as DoraDefinitions["failureStatuses"] };
}
