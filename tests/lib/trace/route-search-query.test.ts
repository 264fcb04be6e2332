import { describe, expect, it } from "vitest";
import { EMPTY_SEARCH, routeSearchQuery, searchBoxTarget } from "../../../lib/trace/route-search-query";

describe("routeSearchQuery", () => {
  it.each([
    ["a1b2c3d4", "/commits/a1b2c3d4"],
    ["  A1B2C3D4E5  ", "/commits/A1B2C3D4E5"],
    ["0123456789abcdef0123456789abcdef01234567", "/commits/0123456789abcdef0123456789abcdef01234567"],
    ["acme/api#123", "/commits/acme%2Fapi%23123"],
    ["https://github.com/acme/api/pull/123", "/commits/https%3A%2F%2Fgithub.com%2Facme%2Fapi%2Fpull%2F123"],
    ["PAY-123", "/commits/PAY-123"],
    ["pay-0042", "/commits/pay-0042"],
  ])("sends %j to the commit page (%s) when no service has that name", (text, href) => {
    expect(routeSearchQuery(text)).toEqual({ kind: "go", href });
    expect(routeSearchQuery(text, { exactService: null })).toEqual({ kind: "go", href });
  });

  it("sends a service's exact name to its page, before any commit reading of the text", () => {
    expect(routeSearchQuery("checkout-api", { exactService: "checkout-api" })).toEqual({ kind: "go", href: "/services/checkout-api" });
    // A service named like a SHA prefix or a ticket key is still reached by name.
    expect(routeSearchQuery("cafe1234", { exactService: "cafe1234" })).toEqual({ kind: "go", href: "/services/cafe1234" });
    expect(routeSearchQuery(" PAY-123 ", { exactService: "pay-123" })).toEqual({ kind: "go", href: "/services/pay-123" });
    expect(routeSearchQuery("a b", { exactService: "a b" })).toEqual({ kind: "go", href: "/services/a%20b" });
  });

  it.each(["checkout-api", "abc123", "a1b2c3g", "acme/api", "#123", "hello world", "PAY-", "../etc"])(
    "lists the services containing %j: no exact service, and no commit, pull request or ticket reading",
    (text) => {
      expect(routeSearchQuery(` ${text} `)).toEqual({ kind: "services", text });
    },
  );

  it("asks for something when the text is empty", () => {
    expect(routeSearchQuery("   ")).toEqual({ kind: "unrecognised", message: EMPTY_SEARCH });
    expect(routeSearchQuery("", { exactService: "x" })).toEqual({ kind: "unrecognised", message: EMPTY_SEARCH });
  });
});

describe("searchBoxTarget", () => {
  it("sends any text to /search, trimmed and encoded", () => {
    expect(searchBoxTarget(" checkout-api ")).toEqual({ kind: "go", href: "/search?q=checkout-api" });
    expect(searchBoxTarget("acme/api#12")).toEqual({ kind: "go", href: "/search?q=acme%2Fapi%2312" });
    expect(searchBoxTarget("a&b=c")).toEqual({ kind: "go", href: "/search?q=a%26b%3Dc" });
  });

  it("keeps an empty box on the page with a message", () => {
    expect(searchBoxTarget("  ")).toEqual({ kind: "unrecognised", message: EMPTY_SEARCH });
  });
});
