import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { TimelineDeployment } from "@/lib/deployments/timeline-deployment";

type Status = TimelineDeployment["status"];

const tones: Record<Status, BadgeTone> = {
  SUCCEEDED: "good",
  RUNNING: "info",
  FAILED: "bad",
  DEGRADED: "warn",
  ROLLED_BACK: "neutral",
};

const labels: Record<Status, string> = {
  SUCCEEDED: "Succeeded",
  RUNNING: "Running",
  FAILED: "Failed",
  DEGRADED: "Degraded",
  ROLLED_BACK: "Rolled back",
};

export function statusLabel(status: Status): string {
  return labels[status];
}

export function StatusBadge({ status }: { status: Status }) {
  return <Badge tone={tones[status]}>{labels[status]}</Badge>;
}
