import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { DeploymentStatus, HealthStatus, SyncStatus } from "@/lib/generated/prisma/enums";

// Badges for a deployment's status and an application's health and sync, in one colour scheme
// wherever they appear: good is green, trouble red or amber, in-between blue, unknown grey.
// Degraded is red wherever it appears, as a deployment status or as an application's health.

const deploymentTones: Record<DeploymentStatus, [BadgeTone, string]> = {
  SUCCEEDED: ["good", "Succeeded"],
  RUNNING: ["info", "Running"],
  FAILED: ["bad", "Failed"],
  DEGRADED: ["bad", "Degraded"],
  ROLLED_BACK: ["neutral", "Rolled back"],
};

const healthTones: Record<HealthStatus, [BadgeTone, string]> = {
  HEALTHY: ["good", "Healthy"],
  PROGRESSING: ["info", "Progressing"],
  DEGRADED: ["bad", "Degraded"],
  SUSPENDED: ["warn", "Suspended"],
  MISSING: ["warn", "Missing"],
  UNKNOWN: ["neutral", "Unknown"],
};

const syncTones: Record<SyncStatus, [BadgeTone, string]> = {
  SYNCED: ["good", "Synced"],
  OUT_OF_SYNC: ["warn", "Out of sync"],
  UNKNOWN: ["neutral", "Unknown"],
};

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  const [tone, label] = deploymentTones[status];
  return <Badge tone={tone}>{label}</Badge>;
}

export function HealthBadge({ health }: { health: HealthStatus }) {
  const [tone, label] = healthTones[health];
  return <Badge tone={tone}>{label}</Badge>;
}

export function SyncBadge({ sync }: { sync: SyncStatus }) {
  const [tone, label] = syncTones[sync];
  return <Badge tone={tone}>{label}</Badge>;
}

export function deploymentStatusLabel(status: DeploymentStatus): string {
  return deploymentTones[status][1];
}
