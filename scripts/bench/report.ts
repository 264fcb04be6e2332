// The bench's output: one table (scenario, metric, baseline, Shiplog, ratio, target, verdict)
// printed for people, and the same rows with the run's circumstances written as JSON for
// comparison between runs. Thresholds live here, never in a scenario.
import type { BenchDurations, BenchSize, Measurement, Target } from "./scenario";

export type Verdict = "pass" | "falls short" | "no target" | "no figure";

export type ReportedMeasurement = Measurement & {
  /** The id of the scenario that produced it (what --only takes). */
  scenarioId: string;
  /** Shiplog / baseline, when both figures exist. */
  ratio: number | null;
  verdict: Verdict;
};

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string };
  size: BenchSize;
  /** Rows actually in the fleet (the generator reaches the asked size within a few per cent). */
  fleet: { services: number; applications: number; deployments: number };
  durations: BenchDurations;
  gitCommit: string;
  /** Seconds to generate the fleet template in this run (0 when an earlier run's was reused). */
  fleetGenerationSeconds: number;
  /** Each scenario's wall time, and the error if it threw. */
  scenarios: { id: string; title: string; seconds: number; error: string | null }[];
  measurements: ReportedMeasurement[];
};

export function ratioOf(measurement: Measurement): number | null {
  const { baseline, shiplog } = measurement;
  if (baseline === null || shiplog === null || !Number.isFinite(baseline) || !Number.isFinite(shiplog) || baseline === 0) return null;
  return shiplog / baseline;
}

export function verdictOf(measurement: Measurement, ratio: number | null): Verdict {
  const { target } = measurement;
  if (target === null) return "no target";
  const figure = target.of === "ratio" ? ratio : measurement.shiplog;
  if (figure === null || !Number.isFinite(figure)) return "no figure";
  const met = target.op === "<=" ? figure <= target.value : figure >= target.value;
  return met ? "pass" : "falls short";
}

/**
 * Computes ratio and verdict. A figure that is not a finite number (NaN from a load run that got
 * no answer in time) becomes null with a note saying so, since JSON would silently turn it into null.
 */
export function reportMeasurement(measurement: Measurement): Omit<ReportedMeasurement, "scenarioId"> {
  const broken = (["baseline", "shiplog"] as const).filter((side) => measurement[side] !== null && !Number.isFinite(measurement[side]));
  const cleaned: Measurement =
    broken.length === 0
      ? measurement
      : {
          ...measurement,
          ...Object.fromEntries(broken.map((side) => [side, null])),
          note: [`no ${broken.join(" or ")} figure: the scenario measured ${broken.map((side) => String(measurement[side])).join(" / ")} (no answer within the load run?)`, measurement.note]
            .filter(Boolean)
            .join(". "),
        };
  const ratio = ratioOf(cleaned);
  return { ...cleaned, ratio, verdict: verdictOf(cleaned, ratio) };
}

/** A figure with a precision that suits its size: 0.42, 12.3, 1,234. */
export function formatNumber(value: number | null, unit?: string): string {
  if (value === null || !Number.isFinite(value)) return "–";
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

function formatTarget(target: Target | null, unit: string): string {
  if (target === null) return "–";
  const op = target.op === "<=" ? "≤" : "≥";
  return target.of === "ratio" ? `${op} ${formatNumber(target.value)}× baseline` : `${op} ${formatNumber(target.value, unit)}`;
}

/** The table as aligned plain text, notes numbered beneath it. */
export function formatTable(measurements: ReportedMeasurement[]): string {
  const header = ["scenario", "metric", "baseline", "Shiplog", "ratio", "target", "verdict"];
  const notes: string[] = [];
  const rows = measurements.map((m) => {
    let verdict: string = m.verdict;
    if (m.note) {
      notes.push(m.note);
      verdict = `${verdict} [${notes.length}]`;
    }
    return [
      m.scenario,
      m.metric,
      formatNumber(m.baseline, m.unit),
      formatNumber(m.shiplog, m.unit),
      m.ratio === null ? "–" : `${formatNumber(m.ratio)}×`,
      formatTarget(m.target, m.unit),
      verdict,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column >= 2 && column <= 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  return [
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
    ...(notes.length > 0 ? ["", ...notes.map((note, index) => `[${index + 1}] ${note}`)] : []),
  ].join("\n");
}
