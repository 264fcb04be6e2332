import { describe, expect, it } from "vitest";
import { formatLag } from "../../../lib/format/format-lag";

describe("formatLag", () => {
  it.each([
    [0, "0 s"],
    [59.9, "59 s"],
    [60, "1 min"],
    [3599, "59 min"],
    [3600, "1 h"],
    [3600 + 5 * 60 + 30, "1 h 5 min"],
    [86_399, "23 h 59 min"],
    [86_400, "1 d"],
    [2 * 86_400 + 4 * 3600 + 59, "2 d 4 h"],
    [-5, "0 s"],
  ])("%d seconds read %j", (seconds, text) => {
    expect(formatLag(seconds)).toBe(text);
  });
});
