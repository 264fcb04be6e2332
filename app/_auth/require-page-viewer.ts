// The page-side gate (lib/ never imports next/*, so it lives here): every page calls it first.
// Without a session it redirects to /sign-in?next=<this page>; without any role to the sign-in
// page's explanation; a viewer lacking `permission` gets the 404 page, so admin pages do not
// advertise themselves.
import "server-only";
import { headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { readViewer } from "@/lib/auth/read-viewer";
import { type Permission, type Scope, type Viewer, can, canAnywhere } from "@/lib/auth/roles";
import { PATH_HEADER, signInPath } from "./require-page-viewer-path";

export { PATH_HEADER, signInPath };

/** The request's viewer, read once per request however many components ask (layout, metadata, page). */
export const readPageViewer = cache(async (): Promise<Viewer | null> => readViewer(await headers()));

export async function requirePageViewer(permission?: Permission, scope?: Scope): Promise<Viewer> {
  const requestHeaders = await headers();
  const viewer = await readPageViewer();
  if (!viewer) redirect(signInPath(requestHeaders.get(PATH_HEADER)));
  // Signed in but without any role: the sign-in page says so (and offers to sign out).
  if (!canAnywhere(viewer, "read")) redirect("/sign-in?error=no_role");
  if (permission && !can(viewer, permission, scope)) notFound();
  return viewer;
}

/**
 * An admin page's gate: anyone signed in without the admin role gets the 403 page
 * (app/forbidden.tsx, which says which role is needed). Called from the page's layout too, as
 * the page streams behind loading.tsx and could no longer change its 200.
 */
export async function requirePageAdmin(): Promise<Viewer> {
  const viewer = await requirePageViewer();
  if (!can(viewer, "admin")) forbidden();
  return viewer;
}
