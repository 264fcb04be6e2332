"use client";

import { useEffect, useState } from "react";
import { formatExactTime, formatRelativeTime } from "@/lib/format/format-time";

/**
 * "12 min ago", with the exact time on hover in the viewer's own time zone.
 *
 * The server renders the phrase against its clock and the exact time in UTC (it cannot know the
 * viewer's zone); after hydration the browser swaps in its own zone and keeps the phrase current
 * once a minute. `now` pins the clock for pages that show a fixed moment.
 */
export function RelativeTime({ date, now }: { date: Date | string; now?: Date | string }) {
  const at = typeof date === "string" ? new Date(date) : date;
  const pinnedNow = now === undefined ? undefined : typeof now === "string" ? new Date(now) : now;
  const pinned = pinnedNow !== undefined;
  const [clientNow, setClientNow] = useState<Date | undefined>(undefined);
  const [timeZone, setTimeZone] = useState<string | undefined>(undefined);

  // Depends on whether the clock is pinned, not on pinnedNow: a string `now` makes a new Date at
  // every render, which re-ran this effect at every render.
  useEffect(() => {
    // The zone and the clock exist only in the browser: the render after hydration is the point.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (pinned) return;
    setClientNow(new Date());
    const timer = setInterval(() => setClientNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, [pinned]);

  return (
    <time
      dateTime={at.toISOString()}
      title={formatExactTime(at, timeZone)}
      className="cursor-help whitespace-nowrap"
      suppressHydrationWarning
    >
      {formatRelativeTime(at, pinnedNow ?? clientNow)}
    </time>
  );
}
