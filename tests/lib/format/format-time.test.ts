import { describe, expect, it } from "vitest";
import { formatExactTime, formatRelativeTime } from "@/lib/format/format-time";

const now = new Date("2026-03-10T12:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

describe("formatRelativeTime", () => {
  it.each([
    [0, "just now"],
    [59 * second, "just now"],
    [60 * second, "1 min ago"],
    [12 * minute + 40 * second, "12 min ago"],
    [59 * minute + 59 * second, "59 min ago"],
    [hour, "1 h ago"],
    [23 * hour + 59 * minute, "23 h ago"],
    [day, "1 day ago"],
    [6 * day, "6 days ago"],
    [29 * day, "29 days ago"],
    [30 * day, "1 mo ago"],
    [364 * day, "12 mo ago"],
    [365 * day, "1 yr ago"],
    [800 * day, "2 yr ago"],
  ])("%i ms before now reads %s", (elapsed, expected) => {
    expect(formatRelativeTime(ago(elapsed), now)).toBe(expected);
  });

  it("phrases future times (clock skew) as 'in …'", () => {
    expect(formatRelativeTime(ago(-30 * second), now)).toBe("just now");
    expect(formatRelativeTime(ago(-5 * minute), now)).toBe("in 5 min");
    expect(formatRelativeTime(ago(-2 * day), now)).toBe("in 2 days");
  });

  it("defaults to the current time", () => {
    expect(formatRelativeTime(new Date(Date.now() - 3 * hour))).toBe("3 h ago");
  });
});

describe("formatExactTime", () => {
  it("is UTC to the second, whatever the process time zone", () => {
    expect(formatExactTime(new Date("2026-03-10T07:05:09.999+02:00"))).toBe("2026-03-10 05:05:09 UTC");
  });

  it("words the time in the viewer's zone when one is given", () => {
    const at = new Date("2026-03-10T07:05:09.999Z");
    expect(formatExactTime(at, "Europe/Berlin")).toBe("2026-03-10 08:05:09 GMT+1");
    expect(formatExactTime(at, "America/New_York")).toBe("2026-03-10 03:05:09 EDT");
    expect(formatExactTime(at, "Asia/Kolkata")).toBe("2026-03-10 12:35:09 GMT+5:30");
    expect(formatExactTime(at, "Etc/UTC")).toBe("2026-03-10 07:05:09 UTC");
  });
});
