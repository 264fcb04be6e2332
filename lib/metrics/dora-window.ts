// The window a DORA question covers: whole UTC days, `from` inclusive, `to` exclusive, and the
// window of the same length just before it for comparison. Pure, so the page, the API and the
// tests agree on the day boundaries.
const DAY_MS = 86_400_000;

export const WINDOW_PRESETS = [7, 30, 90] as const;
export const MAX_WINDOW_DAYS = 366;

export type DoraWindow = {
  /** UTC midnight of the first day. */
  from: Date;
  /** UTC midnight after the last day. */
  to: Date;
  days: number;
};

/** UTC midnight of the day `instant` falls on. */
export function startOfUtcDay(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
}

/** 2026-11-01 for any instant on that UTC day. */
export function utcDayKey(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/**
 * The last `days` days up to and including today (UTC), or the custom range [from, to] of whole
 * days (`to` inclusive as people read it: from=2026-10-01&to=2026-10-31 is 31 days).
 */
export function resolveDoraWindow(options: { days?: number; from?: Date; to?: Date; now?: Date }): DoraWindow {
  const now = options.now ?? new Date();
  if (options.from || options.to) {
    const to = addDays(startOfUtcDay(options.to ?? now), 1);
    const from = options.from ? startOfUtcDay(options.from) : addDays(to, -(options.days ?? 30));
    if (from.getTime() >= to.getTime()) throw new RangeError("from must be on or before to");
    const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
    if (days > MAX_WINDOW_DAYS) throw new RangeError(`a window covers at most ${MAX_WINDOW_DAYS} days`);
    return { from, to, days };
  }
  const days = options.days ?? 30;
  const to = addDays(startOfUtcDay(now), 1);
  return { from: addDays(to, -days), to, days };
}

export function previousDoraWindow(window: DoraWindow): DoraWindow {
  return { from: addDays(window.from, -window.days), to: window.from, days: window.days };
}
