// Next 16's proxy (formerly middleware): a first, cheap gate on the session cookie's presence,
// and the security headers that depend on the request (lib/http/security-headers.ts).
// Pages without a cookie redirect to /sign-in?next=…, the API answers 401 JSON unless the request
// carries `Authorization: Bearer …` (an API token, checked by the route: lib/auth/read-api-viewer.ts;
// a token never opens a page, which keeps requiring the cookie); webhooks, health,
// readiness, sign-in itself and static files stay open, and so does a Prometheus scrape of
// /metrics, rewritten to its handler, which checks SHIPLOG_METRICS_TOKEN (docs/observability.md).
// Whether the cookie is a live session,
// and what its holder may do, is checked again in every route handler and page.
// Every page gets a fresh CSP nonce: the policy goes to Next as a request header (Next reads the
// nonce from it and puts it on its scripts) and to the browser as a response header.
// Before all that, a path that is not valid UTF-8 or holds a control character (plain-text.ts)
// is answered here: 400 for the API, the not-found page for a page. Next's own router would
// fail to decode such a segment and answer a bare 500.
import { type NextRequest, NextResponse } from "next/server";
import { PATH_HEADER, signInPath } from "@/app/_auth/require-page-viewer-path";
import { findPathProblem } from "@/lib/api/plain-text";
import { routeAccess } from "@/lib/auth/route-access";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-cookie";
import { config as settings } from "@/lib/env";
import { contentSecurityPolicy, createNonce, strictTransportSecurity } from "@/lib/http/security-headers";
import { isMetricsScrape, SCRAPE_PATH } from "@/lib/observability/is-metrics-scrape";

/** No page lives here, so a rewrite to it renders app/not-found.tsx. */
const NOT_FOUND_PATH = "/_shiplog/no-such-page";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const hasCookie = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));
  // Prometheus scraping /metrics (the DORA page's path): no session, its own bearer token, checked by the handler.
  if (isMetricsScrape(request.method, pathname, request.headers)) return NextResponse.rewrite(new URL(SCRAPE_PATH, request.url));
  const { SHIPLOG_PUBLIC_URL, NODE_ENV } = settings();
  const access = routeAccess(pathname);
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
  const policy = isApi
    ? null
    : contentSecurityPolicy(createNonce(), { https: SHIPLOG_PUBLIC_URL?.startsWith("https://") ?? false, development: NODE_ENV === "development" });
  const hsts = strictTransportSecurity(SHIPLOG_PUBLIC_URL);
  const withHeaders = (response: NextResponse) => {
    if (policy) response.headers.set("Content-Security-Policy", policy);
    if (hsts) response.headers.set("Strict-Transport-Security", hsts);
    return response;
  };

  const pathProblem = findPathProblem(pathname);
  if (pathProblem) {
    if (access === "page") {
      const headers = new Headers(request.headers);
      if (policy) headers.set("Content-Security-Policy", policy);
      return withHeaders(NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url), { status: 404, request: { headers } }));
    }
    return withHeaders(
      NextResponse.json({ error: { code: "bad_request", message: pathProblem } }, { status: 400, headers: { "Cache-Control": "no-store" } }),
    );
  }
  const hasBearer = access === "api" && /^bearer /i.test(request.headers.get("authorization") ?? "");
  if (access !== "open" && !hasCookie && !hasBearer) {
    if (access === "api") {
      return withHeaders(
        NextResponse.json(
          { error: { code: "unauthorized", message: "Sign in, or send an API token as `Authorization: Bearer <token>`: this request carries neither." } },
          { status: 401, headers: { "Cache-Control": "no-store", "WWW-Authenticate": 'Cookie realm="shiplog", Bearer realm="shiplog"' } },
        ),
      );
    }
    return withHeaders(NextResponse.redirect(new URL(signInPath(`${pathname}${search}`), request.url)));
  }
  const headers = new Headers(request.headers);
  if (policy) headers.set("Content-Security-Policy", policy);
  // Tells the page where it is, so requirePageViewer can send an expired session back here after sign-in.
  if (access !== "open") headers.set(PATH_HEADER, `${pathname}${search}`);
  return withHeaders(NextResponse.next({ request: { headers } }));
}

export const config = {
  // Everything but Next's own assets and the webhook receivers; routeAccess decides the rest.
  // Webhooks are open anyway (they authenticate by signature or token in their handlers), and at
  // thousands of deliveries a second the proxy's extra pass per request is measurable; their
  // answers get the static security headers from next.config.js.
  matcher: ["/((?!_next/static|_next/image|api/webhooks/).*)"],
};
