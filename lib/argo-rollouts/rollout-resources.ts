// The Argo Rollouts Rollouts an Argo CD Application manages, as its status.resources lists them:
// each with the health Argo CD's Lua check for argoproj.io/Rollout gives it (Progressing,
// Suspended while paused, Degraded when aborted or timed out, Healthy once promoted). That check
// passes the Rollout's status.message on, "RolloutAborted: …" for an abort (Argo Rollouts'
// rolloututil.CalculateRolloutPhase; "Rollout is aborted" before v1.2).
import { z } from "zod";
import type { HealthStatus } from "../generated/prisma/enums";

const resourceSchema = z.object({
  group: z.string().nullish(),
  kind: z.literal("Rollout"),
  namespace: z.string().min(1).max(253),
  name: z.string().min(1).max(253),
  health: z.object({ status: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

export type RolloutResourceHealth = { namespace: string; name: string; health: HealthStatus; message: string | null; aborted: boolean };

const HEALTH: Record<string, HealthStatus> = {
  Healthy: "HEALTHY",
  Progressing: "PROGRESSING",
  Degraded: "DEGRADED",
  Suspended: "SUSPENDED",
  Missing: "MISSING",
  Unknown: "UNKNOWN",
};

const ABORTED = /RolloutAborted|rollout (?:is )?aborted/i;

/** The Rollouts among status.resources; other kinds and malformed entries are skipped one by one. */
export function rolloutResourcesOf(resources: readonly unknown[]): RolloutResourceHealth[] {
  return resources.flatMap((entry) => {
    const parsed = resourceSchema.safeParse(entry);
    if (!parsed.success || (parsed.data.group && parsed.data.group !== "argoproj.io")) return [];
    const { namespace, name, health } = parsed.data;
    const status = HEALTH[health?.status ?? ""] ?? "UNKNOWN";
    const message = health?.message ?? null;
    return [{ namespace, name, health: status, message, aborted: status === "DEGRADED" && message !== null && ABORTED.test(message) }];
  });
}
