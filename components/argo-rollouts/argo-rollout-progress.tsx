import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ArgoRolloutView } from "@/lib/argo-rollouts/list-application-rollouts";

const STATE: Record<ArgoRolloutView["state"], { label: string; tone: BadgeTone }> = {
  PROGRESSING: { label: "rolling out", tone: "info" },
  PAUSED: { label: "paused", tone: "warn" },
  ABORTED: { label: "aborted", tone: "bad" },
  DEGRADED: { label: "degraded", tone: "bad" },
  HEALTHY: { label: "promoted", tone: "good" },
  UNKNOWN: { label: "unknown", tone: "neutral" },
};

/** One application's Argo Rollouts progress: "Rollout web: step 3 of 5, 40 % of traffic, analysis passing". */
export function ArgoRolloutProgress({ rollouts }: { rollouts: ArgoRolloutView[] }) {
  if (rollouts.length === 0) return null;
  return (
    <ul className="mt-1 space-y-0.5" aria-label="Argo Rollouts">
      {rollouts.map((rollout) => (
        <li key={`${rollout.namespace}/${rollout.name}`} className="flex flex-wrap items-center gap-1 text-xs text-zinc-700" data-argo-rollout={rollout.state}>
          <Badge tone={STATE[rollout.state].tone}>{STATE[rollout.state].label}</Badge>
          <span>
            <span className="sr-only">Rollout </span>
            <span className="font-mono">{rollout.name}</span>: {rollout.summary}
          </span>
        </li>
      ))}
    </ul>
  );
}
