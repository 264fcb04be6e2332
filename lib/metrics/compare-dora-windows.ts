// Whether the previous window holds enough to compare a DORA metric against, and if not, why.
// A change such as "+735 %" is only shown when both hold:
//   1. coverage: at least MIN_PREVIOUS_COVERAGE (90 %) of the previous window's days fall on or
//      after the scope's first recorded production deployment (Shiplog cannot compare with days
//      it was not recording, or before the service existed);
//   2. samples: the previous window holds at least MIN_PREVIOUS_SAMPLES (5) of what the metric
//      is computed from: production deployments (deployment frequency, change failure rate),
//      commits that reached production (lead time), restored incidents (time to restore).
// Pure; getDoraMetrics supplies the first recorded day.
import { z } from "zod";
import { type DoraWindow, startOfUtcDay, utcDayKey } from "./dora-window";
import type { DoraTotals } from "./summarize-dora";

export const MIN_PREVIOUS_COVERAGE = 0.9;
export const MIN_PREVIOUS_SAMPLES = 5;

const DAY_MS = 86_400_000;

const comparabilitySchema = z.object({
  comparable: z.boolean(),
  reason: z.string().nullable().meta({ description: "Why the previous window is too thin to compare with; null when comparable." }),
});

export const doraComparisonSchema = z
  .object({
    historyFrom: z.date().nullable().meta({ description: "UTC day of the scope's first recorded production deployment; null when it has none." }),
    coveredDays: z.number().int().meta({ description: "Days of the previous window on or after historyFrom." }),
    deploymentFrequency: comparabilitySchema,
    leadTime: comparabilitySchema,
    changeFailureRate: comparabilitySchema,
    timeToRestore: comparabilitySchema,
  })
  .meta({
    id: "DoraComparison",
    description: `Whether each metric's change against the previous window means anything: at least ${MIN_PREVIOUS_COVERAGE * 100} % of the previous window's days on or after the scope's first recorded production deployment, and at least ${MIN_PREVIOUS_SAMPLES} samples of the metric in it.`,
  });

export type DoraComparison = z.output<typeof doraComparisonSchema>;

export function compareDoraWindows(previousWindow: DoraWindow, previous: DoraTotals, historyFrom: Date | null): DoraComparison {
  const start = historyFrom === null ? null : startOfUtcDay(historyFrom);
  const coveredDays =
    start === null ? 0 : Math.max(0, Math.min(previousWindow.days, Math.round((previousWindow.to.getTime() - Math.max(start.getTime(), previousWindow.from.getTime())) / DAY_MS)));
  const coverageProblem =
    coveredDays / previousWindow.days >= MIN_PREVIOUS_COVERAGE
      ? null
      : start === null || start.getTime() >= previousWindow.to.getTime()
        ? `no production deployments recorded before ${utcDayKey(previousWindow.to)}`
        : `production deployments are recorded only from ${utcDayKey(start)}: ${coveredDays} of the previous ${previousWindow.days} days`;

  const judge = (samples: number, noun: [string, string]): z.output<typeof comparabilitySchema> => {
    if (coverageProblem) return { comparable: false, reason: coverageProblem };
    if (samples >= MIN_PREVIOUS_SAMPLES) return { comparable: true, reason: null };
    return {
      comparable: false,
      reason: `only ${samples} ${samples === 1 ? noun[0] : noun[1]} in the previous ${previousWindow.days} days (fewer than ${MIN_PREVIOUS_SAMPLES})`,
    };
  };
  const deployments: [string, string] = ["production deployment", "production deployments"];
  return {
    historyFrom: start,
    coveredDays,
    deploymentFrequency: judge(previous.deployments, deployments),
    leadTime: judge(previous.leadTimeCommits, ["commit reached production", "commits reached production"]),
    changeFailureRate: judge(previous.deployments, deployments),
    timeToRestore: judge(previous.incidents, ["restored incident", "restored incidents"]),
  };
}

