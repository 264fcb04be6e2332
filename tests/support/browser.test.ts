// Which failed requests the browser helper forgives: only Next's own cancelled RSC fetches.
import { describe, expect, it } from "vitest";
import { isCancelledNextFetch } from "./browser";

describe("isCancelledNextFetch", () => {
  it("forgives an aborted GET of an RSC payload, wherever _rsc sits in the query", () => {
    expect(isCancelledNextFetch("GET", "http://127.0.0.1:3000/timeline?_rsc=abc12", "net::ERR_ABORTED")).toBe(true);
    expect(isCancelledNextFetch("GET", "http://127.0.0.1:3000/timeline?team=a&_rsc=abc12", "net::ERR_ABORTED")).toBe(true);
  });

  it("keeps every other failure", () => {
    expect(isCancelledNextFetch("GET", "http://127.0.0.1:3000/timeline", "net::ERR_ABORTED")).toBe(false);
    expect(isCancelledNextFetch("POST", "http://127.0.0.1:3000/timeline?_rsc=abc12", "net::ERR_ABORTED")).toBe(false);
    expect(isCancelledNextFetch("GET", "http://127.0.0.1:3000/timeline?_rsc=abc12", "net::ERR_CONNECTION_REFUSED")).toBe(false);
    expect(isCancelledNextFetch("GET", "http://127.0.0.1:3000/api/v1/fleet?x=_rsc", "net::ERR_ABORTED")).toBe(false);
    expect(isCancelledNextFetch("GET", "not a url", "net::ERR_ABORTED")).toBe(false);
  });
});
