// Cross-site request refusal for state-changing routes. Browsers send Origin on every non-GET
// fetch and form post; a request carrying the session cookie but no Origin (or another site's)
// did not come from Shiplog's own pages, so it is refused before anything changes.
// Shiplog's own origin comes from its settings, never from the request: X-Forwarded-Host and
// Host are the sender's word, and believing them let `Origin: https://evil.example` with
// `X-Forwarded-Host: evil.example` through (issue 14, finding 5).
import { type Config, config } from "../env";
import { AppError } from "../http/app-error";
import { SESSION_COOKIE_NAMES } from "./session-cookie";

/**
 * The origins Shiplog's own pages are served from: SHIPLOG_PUBLIC_URL's alone when it is set;
 * else the loopback defaults on PORT (what Better Auth trusts too, lib/auth/get-auth.ts) and the
 * origin Next built the request URL from, which is its own listening address, not a header.
 */
function allowedOrigins(request: Request, settings: OriginSettings): Set<string> {
  const { SHIPLOG_PUBLIC_URL: publicUrl, PORT: port } = settings;
  if (publicUrl) return new Set([new URL(publicUrl).origin]);
  return new Set([`http://localhost:${port}`, `http://127.0.0.1:${port}`, new URL(request.url).origin]);
}

export type OriginSettings = Pick<Config, "SHIPLOG_PUBLIC_URL" | "PORT">;

export function hasSessionCookie(request: Request): boolean {
  const cookie = request.headers.get("cookie") ?? "";
  return cookie.split(";").some((part) => SESSION_COOKIE_NAMES.includes(part.split("=")[0]!.trim()));
}

/**
 * Throws 403 when a state-changing request is cross-site: an Origin other than Shiplog's own,
 * or no Origin at all on a cookie-authenticated request. Safe methods pass.
 */
export function assertSameOrigin(request: Request, settings: OriginSettings = config()): void {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method.toUpperCase())) return;
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") {
    if (hasSessionCookie(request) || origin === "null") {
      throw new AppError("forbidden", "Cross-site request refused: the request carries a session cookie but no Origin header.");
    }
    return;
  }
  if (!allowedOrigins(request, settings).has(origin)) {
    throw new AppError("forbidden", `Cross-site request refused: Origin ${origin} is not Shiplog's own.`);
  }
}
