import { describe, expect, it } from "vitest";
import { EMPTY_SEARCH, UNRECOGNISED_SEARCH, routeSearchQuery } from "../../../lib/trace/route-search-query";

describe("routeSearchQuery", () => {
  it.each([
    ["a1b2c3d4", "/commits/a1b2c3d4"],
    ["  A1B2C3D4E5  ", "/commits/A1B2C3D4E5"],
    ["0123456789abcdef0123456789abcdef01234567", "/commits/0123456789abcdef0123456789abcdef01234567"],
    ["acme/api#123", "/commits/acme%2Fapi%23123"],
    ["https://github.com/acme/api/pull/123", "/commits/https%3A%2F%2Fgithub.com%2Facme%2Fapi%2Fpull%2F123"],
    ["PAY-123", "/commits/PAY-123"],
    ["pay-0042", "/commits/pay-0042"],
  ])("sends %j to the commit page (%s)", (text, href) => {
    expect(routeSearchQuery(text)).toEqual({ kind: "go", href });
  });

  it.each(["checkout-api", "abc123", "a1b2c3g", "acme/api", "#123", "hello world", "PAY-", "../etc"])(
    "keeps %j on the page with a message: no commit, pull request or ticket looks like it",
    (text) => {
      expect(routeSearchQuery(text)).toEqual({ kind: "unrecognised", message: UNRECOGNISED_SEARCH });
    },
  );

  it("asks for something when the box is empty", () => {
    expect(routeSearchQuery("   ")).toEqual({ kind: "unrecognised", message: EMPTY_SEARCH });
  });
});
