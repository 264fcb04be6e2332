// Which requests the proxy lets through without a session cookie. Pure, so it is tested on its
// own; the real authorization still happens in every handler and page.
export type RouteAccess = "open" | "api" | "page";

const OPEN_PREFIXES = ["/api/webhooks/", "/api/auth/", "/_next/"];
// Browsers fetch icons and the web manifest without cookies, and crawlers read robots.txt signed out.
const OPEN_PATHS = new Set([
  "/api/health",
  "/api/ready",
  "/api/v1/openapi.json",
  "/sign-in",
  "/icon.svg",
  "/favicon.ico",
  "/apple-touch-icon.png",
  "/icon-192.png",
  "/icon-512.png",
  "/manifest.webmanifest",
  "/robots.txt",
]);

export function routeAccess(pathname: string): RouteAccess {
  if (OPEN_PATHS.has(pathname) || OPEN_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return "open";
  if (pathname === "/api" || pathname.startsWith("/api/")) return "api";
  return "page";
}
