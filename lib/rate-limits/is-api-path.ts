// The scope of the API's rate limits: the read API, /api/v1 and below. Webhooks (/api/webhooks),
// sign-in (/api/auth, limited by lib/auth/throttle-sign-in.ts) and the probes are outside it.
// Its own file so the route wrapper and the OpenAPI document can ask without loading a limiter.

export function isApiPath(pathname: string): boolean {
  return pathname === "/api/v1" || pathname.startsWith("/api/v1/");
}
