import { describe, expect, it } from "vitest";
import { extractTicketKeys } from "@/lib/pull-requests/extract-ticket-keys";

describe("extractTicketKeys", () => {
  it("finds Jira-style keys in a title", () => {
    expect(extractTicketKeys("PAY-1234: Fix refund rounding")).toEqual(["PAY-1234"]);
  });

  it("reads title, body and branch together, de-duplicated and sorted", () => {
    expect(
      extractTicketKeys("SRCH-88 Rank by recency", "Follow-up to PAY-1234 and SRCH-88.\n\nCloses CHK-7", "feature/srch-88-recency"),
    ).toEqual(["CHK-7", "PAY-1234", "SRCH-88"]);
  });

  it("upper-cases keys written in lower case, as branch names do", () => {
    expect(extractTicketKeys(undefined, null, "alice/pay-1234-fix-rounding")).toEqual(["PAY-1234"]);
  });

  it.each([
    ["(PAY-12)", ["PAY-12"]],
    ["[PAY-12] fix", ["PAY-12"]],
    ["PAY-12, PAY-13", ["PAY-12", "PAY-13"]],
    ["fix/PAY-12", ["PAY-12"]],
    ["PAY2-12", ["PAY2-12"]],
  ])("finds keys between punctuation: %j", (text, keys) => {
    expect(extractTicketKeys(text)).toEqual(keys);
  });

  it("finds a key followed by an underscore, as in branch names like PAY-1234_fix_rounding", () => {
    expect(extractTicketKeys(undefined, undefined, "PAY-1234_fix_rounding")).toEqual(["PAY-1234"]);
    expect(extractTicketKeys(undefined, undefined, "bugfix/IAM-77_token_refresh")).toEqual(["IAM-77"]);
  });

  it("normalises leading zeros in the number", () => {
    expect(extractTicketKeys("PAY-0012 and PAY-12")).toEqual(["PAY-12"]);
  });

  it.each([
    "Use UTF-8 everywhere",
    "Switch to SHA-256 digests",
    "Dates in ISO-8601",
    "Per RFC-7231",
    "Patch CVE-2024-3094",
    "Try GPT-4 summaries",
    "Serve HTTP-2",
    "Require TLS-1",
  ])("ignores words that look like keys but are not tickets: %s", (text) => {
    expect(extractTicketKeys(text)).toEqual([]);
  });

  it.each([
    "PAY-",
    "P-12",
    "-12",
    "PAY-12345678",
    "ABCDEFGHIJK-1",
    "xPAY-12x",
    "PAY-12abc",
    "12PAY-3",
  ])("finds nothing in %j", (text) => {
    expect(extractTicketKeys(text)).toEqual([]);
  });

  it("is empty for no text", () => {
    expect(extractTicketKeys()).toEqual([]);
    expect(extractTicketKeys(null, undefined, "")).toEqual([]);
  });
});
