// Cross-site request refusal for state-changing routes. Browsers send Origin on every non-GET
// fetch and form post; a request carrying the session cookie but no Origin (or another site's)
// did not come from Shiplog's own pages, so it is refused before anything changes.
import { AppError } from "../http/app-error";
import { SESSION_COOKIE_NAMES } from "./session-cookie";

/** The origins Shiplog's own pages are served from: SHIPLOG_PUBLIC_URL's, else the request's own. */
function allowedOrigins(request: Request, publicUrl: string | undefined): Set<string> {
  const origins = new Set<string>();
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  const url = new URL(request.url);
  origins.add(url.origin);
  // Behind a proxy the request URL is the internal one; the Host header is what the browser used.
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (host) {
    const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url.protocol.replace(":", "");
    origins.add(`${proto}://${host.split(",")[0]!.trim()}`);
  }
  return origins;
}

export function hasSessionCookie(request: Request): boolean {
  const cookie = request.headers.get("cookie") ?? "";
  return cookie.split(";").some((part) => SESSION_COOKIE_NAMES.includes(part.split("=")[0]!.trim()));
}

/**
 * Throws 403 when a state-changing request is cross-site: an Origin other than Shiplog's own,
 * or no Origin at all on a cookie-authenticated request. Safe methods pass.
 */
export function assertSameOrigin(request: Request, publicUrl: string | undefined = process.env.SHIPLOG_PUBLIC_URL): void {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method.toUpperCase())) return;
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") {
    if (hasSessionCookie(request) || origin === "null") {
      throw new AppError("forbidden", "Cross-site request refused: the request carries a session cookie but no Origin header.");
    }
    return;
  }
  if (!allowedOrigins(request, publicUrl).has(origin)) {
    throw new AppError("forbidden", `Cross-site request refused: Origin ${origin} is not Shiplog's own.`);
  }
}
