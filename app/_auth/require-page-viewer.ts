// The page-side gate (lib/ never imports next/*, so it lives here): every page calls it first.
// Without a session it redirects to /sign-in?next=<this page>; a viewer lacking `permission`
// gets the 404 page, so admin pages do not advertise themselves.
import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { readViewer } from "@/lib/auth/read-viewer";
import { type Permission, type Scope, type Viewer, can } from "@/lib/auth/roles";

/** The header proxy.ts sets to the requested path and query, so the page knows where to come back to. */
export const PATH_HEADER = "x-shiplog-path";

export async function requirePageViewer(permission?: Permission, scope?: Scope): Promise<Viewer> {
  const requestHeaders = await headers();
  const viewer = await readViewer(requestHeaders);
  if (!viewer) redirect(signInPath(requestHeaders.get(PATH_HEADER)));
  if (permission && !can(viewer, permission, scope)) notFound();
  return viewer;
}

/** /sign-in?next=<path>, keeping only same-site paths. */
export function signInPath(next: string | null): string {
  const safe = next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : null;
  return safe ? `/sign-in?next=${encodeURIComponent(safe)}` : "/sign-in";
}
