// Time formatting for the UI: a short relative phrase for reading, an exact timestamp for the
// title attribute. The server words exact times in UTC (it cannot know the viewer's zone); the
// browser words them again in the viewer's zone (components/ui/relative-time.tsx).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/** "just now", "12 min ago", "3 h ago", "1 day ago", "4 mo ago", "2 yr ago"; "in 5 min" for future times. */
export function formatRelativeTime(date: Date, now: Date = new Date()): string {
  const diff = now.getTime() - date.getTime();
  const distance = Math.abs(diff);
  if (distance < MINUTE) return "just now";

  let phrase: string;
  if (distance < HOUR) phrase = `${Math.floor(distance / MINUTE)} min`;
  else if (distance < DAY) phrase = `${Math.floor(distance / HOUR)} h`;
  else if (distance < MONTH) {
    const days = Math.floor(distance / DAY);
    phrase = `${days} ${days === 1 ? "day" : "days"}`;
  } else if (distance < YEAR) phrase = `${Math.floor(distance / MONTH)} mo`;
  else phrase = `${Math.floor(distance / YEAR)} yr`;

  return diff >= 0 ? `${phrase} ago` : `in ${phrase}`;
}

/**
 * "2025-11-24 15:43:07 UTC" without a zone; in a named IANA zone, that zone's wall-clock time
 * and its abbreviation or offset, e.g. "2025-11-24 16:43:07 GMT+1" for Europe/Berlin.
 */
export function formatExactTime(date: Date, timeZone?: string): string {
  if (!timeZone || timeZone === "UTC" || timeZone === "Etc/UTC") {
    return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}
