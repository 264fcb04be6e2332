// Time formatting for the UI: a short relative phrase for reading, an exact UTC timestamp
// for the title attribute. Exact times are UTC so they read the same whatever the server's
// time zone is.

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

/** "2025-11-24 15:43:07 UTC". */
export function formatExactTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
