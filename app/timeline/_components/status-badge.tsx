import { DeploymentStatusBadge, deploymentStatusLabel } from "@/components/ui/deployment-badges";
import type { TimelineDeployment } from "@/lib/deployments/timeline-deployment";

type Status = TimelineDeployment["status"];

// The timeline's status badge is the one every page uses (one colour per status everywhere).
export function statusLabel(status: Status): string {
  return deploymentStatusLabel(status);
}

export function StatusBadge({ status }: { status: Status }) {
  return <DeploymentStatusBadge status={status} />;
}
