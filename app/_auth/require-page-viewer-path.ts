// Shared by proxy.ts and requirePageViewer: the header carrying the requested path, and the
// sign-in address that returns there (same-site paths only, never an open redirect).

/** The header proxy.ts sets to the requested path and query, so the page knows where to come back to. */
export const PATH_HEADER = "x-shiplog-path";

/** /sign-in?next=<path>, keeping only same-site paths. */
export function signInPath(next: string | null): string {
  const safe = sameSitePath(next);
  return safe && safe !== "/" ? `/sign-in?next=${encodeURIComponent(safe)}` : "/sign-in";
}

// Any origin would do: only whether `next` stays on it matters.
const HERE = "http://shiplog.invalid";

/**
 * `next` as a path on this site (path, query and fragment, percent-encoded as a URL writes
 * them), or null when it is not one. Decided the way a browser reads it: parsed as a URL
 * against the site's own origin, accepted only if the origin stays the same. So
 * `/<TAB>/evil.example` (browsers drop tabs and newlines, leaving `//evil.example`), `//host`,
 * `/\host` and absolute URLs are refused, and a path with characters a Location header cannot
 * carry comes back encoded rather than failing. Control characters and backslashes are refused
 * outright; `/sign-in` itself is not a place to return to.
 */
export function sameSitePath(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return null;
  }
  if (url.origin !== HERE || url.pathname === "/sign-in" || url.pathname.startsWith("/sign-in/")) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
