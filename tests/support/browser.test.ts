// Which failed requests the browser helper forgives: GETs the browser cancelled for the page
// (net::ERR_ABORTED) — never a failed POST, a broken connection, or a document that did not load.
import { describe, expect, it } from "vitest";
import { type FailedRequest, isCancelledByBrowser } from "./browser";

const aborted = (overrides: Partial<FailedRequest>): FailedRequest => ({
  method: "GET",
  url: "http://127.0.0.1:3000/timeline",
  errorText: "net::ERR_ABORTED",
  resourceType: "document",
  leftBehind: false,
  ...overrides,
});

describe("isCancelledByBrowser", () => {
  it("forgives an aborted GET of an RSC payload, wherever _rsc sits in the query", () => {
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/timeline?_rsc=abc12" }))).toBe(true);
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/timeline?team=a&_rsc=abc12" }))).toBe(true);
  });

  it("forgives the page's own fetches and event streams it stopped, and script chunks of a page going away", () => {
    const nextPage = "http://127.0.0.1:3000/api/v1/deployments?team=notifications&cursor=WyIy";
    expect(isCancelledByBrowser(aborted({ url: nextPage, resourceType: "fetch" }))).toBe(true);
    expect(isCancelledByBrowser(aborted({ url: nextPage, resourceType: "xhr" }))).toBe(true);
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/api/v1/deployments/stream", resourceType: "eventsource" }))).toBe(true);
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/_next/static/chunks/a1.js", resourceType: "script" }))).toBe(true);
  });

  it("forgives anything the page being left was still loading", () => {
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/logo.png", resourceType: "image", leftBehind: true }))).toBe(true);
  });

  it("keeps every other failure", () => {
    expect(isCancelledByBrowser(aborted({}))).toBe(false);
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/logo.png", resourceType: "image" }))).toBe(false);
    expect(isCancelledByBrowser(aborted({ method: "POST", url: "http://127.0.0.1:3000/timeline?_rsc=abc12", resourceType: "fetch" }))).toBe(false);
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/timeline?_rsc=abc12", errorText: "net::ERR_CONNECTION_REFUSED" }))).toBe(false);
    expect(isCancelledByBrowser(aborted({ resourceType: "fetch", errorText: "net::ERR_EMPTY_RESPONSE" }))).toBe(false);
    expect(isCancelledByBrowser(aborted({ url: "http://127.0.0.1:3000/api/v1/fleet?x=_rsc" }))).toBe(false);
    expect(isCancelledByBrowser(aborted({ url: "not a url" }))).toBe(false);
  });
});
