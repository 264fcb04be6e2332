// Next 16's proxy (formerly middleware): a first, cheap gate on the session cookie's presence.
// Pages without one redirect to /sign-in?next=…, the API answers 401 JSON; webhooks, health,
// readiness, sign-in itself and static files stay open. Whether the cookie is a live session,
// and what its holder may do, is checked again in every route handler and page.
// Before all that, a path that is not valid UTF-8 or holds a control character (plain-text.ts)
// is answered here: 400 for the API, the not-found page for a page. Next's own router would
// fail to decode such a segment and answer a bare 500.
import { type NextRequest, NextResponse } from "next/server";
import { PATH_HEADER, signInPath } from "@/app/_auth/require-page-viewer-path";
import { findPathProblem } from "@/lib/api/plain-text";
import { routeAccess } from "@/lib/auth/route-access";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-cookie";

/** No page lives here, so a rewrite to it renders app/not-found.tsx. */
const NOT_FOUND_PATH = "/_shiplog/no-such-page";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const access = routeAccess(pathname);
  const pathProblem = findPathProblem(pathname);
  if (pathProblem) {
    if (access === "page") return NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url), { status: 404 });
    return NextResponse.json({ error: { code: "bad_request", message: pathProblem } }, { status: 400, headers: { "Cache-Control": "no-store" } });
  }
  if (access === "open") return NextResponse.next();
  const hasCookie = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));
  if (!hasCookie) {
    if (access === "api") {
      return NextResponse.json(
        { error: { code: "unauthorized", message: "Sign in to use the Shiplog API: this request carries no session cookie." } },
        { status: 401, headers: { "Cache-Control": "no-store", "WWW-Authenticate": 'Cookie realm="shiplog"' } },
      );
    }
    return NextResponse.redirect(new URL(signInPath(`${pathname}${search}`), request.url));
  }
  // Tells the page where it is, so requirePageViewer can send an expired session back here after sign-in.
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Everything but Next's own assets and the webhook receivers; routeAccess decides the rest.
  // Webhooks are open anyway (they authenticate by signature or token in their handlers), and at
  // thousands of deliveries a second the proxy's extra pass per request is measurable.
  matcher: ["/((?!_next/static|_next/image|api/webhooks/).*)"],
};
