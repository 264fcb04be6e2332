// The fleet sizes `npm run bench` knows and how long each kind of load lasts at each: the issue's
// full fleet with its 5-minute storm, a small one for a quick look, and a tiny one for `npm test`.
import type { BenchDurations, BenchSize } from "./scenario";

export const benchSizes = {
  tiny: { name: "tiny", services: 12, applications: 48, deployments: 400 },
  small: { name: "small", services: 500, applications: 5_000, deployments: 100_000 },
  full: { name: "full", services: 5_000, applications: 100_000, deployments: 2_000_000 },
} satisfies Record<string, BenchSize>;

export type BenchSizeName = keyof typeof benchSizes;

export const benchDurations: Record<BenchSizeName, BenchDurations> = {
  tiny: { acceptSeconds: 3, latencySeconds: 2, rounds: 1, drainLimitSeconds: 30 },
  small: { acceptSeconds: 30, latencySeconds: 5, rounds: 2, drainLimitSeconds: 120 },
  full: { acceptSeconds: 300, latencySeconds: 20, rounds: 3, drainLimitSeconds: 600 },
};

/** A custom size borrows the durations of the nearest named size by deployment count. */
export function durationsFor(size: BenchSize): BenchDurations {
  if (size.name in benchDurations) return benchDurations[size.name as BenchSizeName];
  if (size.deployments <= 10_000) return benchDurations.tiny;
  if (size.deployments <= 500_000) return benchDurations.small;
  return benchDurations.full;
}
