// How DORA numbers read on the page: durations in the largest sensible unit, rates as percent.
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)}%`;
}

export function formatPerDay(perDay: number): string {
  return perDay >= 10 ? `${Math.round(perDay)}/day` : `${perDay.toFixed(perDay >= 1 ? 1 : 2)}/day`;
}

/** "+12%" / "−5%" / "no change"; null when there is nothing to compare. */
export function formatChange(change: number | null): string | null {
  if (change === null) return null;
  const percent = Math.round(change * 100);
  if (percent === 0) return "no change";
  return `${percent > 0 ? "+" : "−"}${Math.abs(percent)}%`;
}
