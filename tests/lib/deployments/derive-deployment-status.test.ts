import { describe, expect, it } from "vitest";
import { deriveDeploymentStatus } from "@/lib/deployments/derive-deployment-status";
import type { DeploymentStatus, HealthStatus, OperationPhase } from "@/lib/generated/prisma/enums";

const status = (phase: OperationPhase, lastHealth: HealthStatus | null, rolledBackById: number | null = null) =>
  deriveDeploymentStatus({ phase, lastHealth, rolledBackById });

describe("deriveDeploymentStatus", () => {
  it.each<[OperationPhase, HealthStatus | null, DeploymentStatus]>([
    ["RUNNING", "PROGRESSING", "RUNNING"],
    ["RUNNING", "DEGRADED", "RUNNING"],
    ["TERMINATING", "HEALTHY", "RUNNING"],
    ["SUCCEEDED", "HEALTHY", "SUCCEEDED"],
    ["SUCCEEDED", "PROGRESSING", "SUCCEEDED"],
    ["SUCCEEDED", "SUSPENDED", "SUCCEEDED"],
    ["SUCCEEDED", "UNKNOWN", "SUCCEEDED"],
    ["SUCCEEDED", null, "SUCCEEDED"],
    ["SUCCEEDED", "DEGRADED", "DEGRADED"],
    ["SUCCEEDED", "MISSING", "DEGRADED"],
    ["FAILED", "HEALTHY", "FAILED"],
    ["FAILED", "DEGRADED", "FAILED"],
    ["ERROR", null, "FAILED"],
  ])("%s with health %s is %s", (phase, health, expected) => {
    expect(status(phase, health)).toBe(expected);
  });

  it("is ROLLED_BACK once a later deployment put back an earlier release, whatever its health", () => {
    expect(status("SUCCEEDED", "HEALTHY", 42)).toBe("ROLLED_BACK");
    expect(status("SUCCEEDED", "DEGRADED", 42)).toBe("ROLLED_BACK");
  });

  it("keeps a failed sync FAILED even when a rollback link exists", () => {
    expect(status("FAILED", "HEALTHY", 42)).toBe("FAILED");
    expect(status("ERROR", "DEGRADED", 42)).toBe("FAILED");
  });
});
