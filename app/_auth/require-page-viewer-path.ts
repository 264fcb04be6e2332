// Shared by proxy.ts and requirePageViewer: the header carrying the requested path, and the
// sign-in address that returns there (same-site paths only, never an open redirect).

/** The header proxy.ts sets to the requested path and query, so the page knows where to come back to. */
export const PATH_HEADER = "x-shiplog-path";

/** /sign-in?next=<path>, keeping only same-site paths. */
export function signInPath(next: string | null): string {
  const safe = next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") && !next.startsWith("/sign-in") ? next : null;
  return safe && safe !== "/" ? `/sign-in?next=${encodeURIComponent(safe)}` : "/sign-in";
}
