import { describe, expect, it } from "vitest";
import { deploymentDuration, formatDuration } from "../../../lib/deployments/deployment-duration";

describe("deployment durations", () => {
  it("words seconds, minutes, hours and days", () => {
    expect(formatDuration(45_400)).toBe("45 s");
    expect(formatDuration(200_000)).toBe("3 min 20 s");
    expect(formatDuration(180_000)).toBe("3 min");
    expect(formatDuration(65 * 60_000)).toBe("1 h 5 min");
    expect(formatDuration(50 * 3_600_000)).toBe("2 d 2 h");
    expect(formatDuration(-5)).toBe("0 s");
  });

  it("has no duration while a deployment runs", () => {
    expect(deploymentDuration("2026-11-01T12:00:00Z", null)).toBeNull();
    expect(deploymentDuration("2026-11-01T12:00:00Z", "2026-11-01T12:01:30Z")).toBe("1 min 30 s");
  });
});
