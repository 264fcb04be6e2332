import { formatExactTime, formatRelativeTime } from "@/lib/format/format-time";

/** "12 min ago", with the exact UTC time on hover and in the datetime attribute. */
export function RelativeTime({ date, now }: { date: Date; now?: Date }) {
  return (
    <time dateTime={date.toISOString()} title={formatExactTime(date)} className="cursor-help">
      {formatRelativeTime(date, now)}
    </time>
  );
}
