// Who is asking: the Better Auth session of the request's cookie (read from the database each
// time, so a revoked session ends at once) and the person's grants (cached ≤ 30 s).
import "server-only";
import { getDb } from "../db/client";
import { getAuth } from "./get-auth";
import { readGrants } from "./read-grants";
import type { Viewer } from "./roles";
import { SESSION_COOKIE_NAMES } from "./session-cookie";

export async function readViewer(headers: Headers): Promise<Viewer | null> {
  const cookie = headers.get("cookie") ?? "";
  // No session cookie, no database round trip.
  if (!SESSION_COOKIE_NAMES.some((name) => cookie.includes(`${name}=`))) return null;
  const session = await getAuth().api.getSession({ headers, query: { disableRefresh: false } });
  if (!session) return null;
  const { user } = session;
  return { id: user.id, email: user.email, name: user.name, grants: await readGrants(getDb(), user.id) };
}
