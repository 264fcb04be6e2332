// Signed-in test users: a local account with the given grants, made through Better Auth's own
// adapter and signed in through its API, so the cookie is one the server really issued.
// In-process route tests use signedInRequest; browser and HTTP tests pass the cookie to
// openPage({ as }) or fetch.
import { createAuth } from "../../lib/auth/get-auth";
import { createLocalUser, signInLocal } from "../../lib/auth/create-local-user";
import type { Grant, Role } from "../../lib/auth/roles";
import { type Db, getDb } from "../../lib/db/client";
import { config } from "../../lib/env";

export type TestUser = { userId: string; email: string; password: string; cookie: string; grants: Grant[] };

let counter = 0;

/** Fleet-wide grants of one role, e.g. `as("sre")`; with a team id, that team only. */
export function as(role: Role, teamId: number | null = null): Grant[] {
  return [{ role, teamId }];
}

/**
 * Creates a user with `grants` in `db` (default: this test file's database) and signs them in.
 * The cookie is valid for any Shiplog using that database and the test secret (the e2e server does).
 */
export async function signIn(grants: Grant[], options: { db?: Db; email?: string; name?: string } = {}): Promise<TestUser> {
  const db = options.db ?? getDb();
  const auth = createAuth(db, config());
  counter += 1;
  const email = options.email ?? `${grants.map((grant) => `${grant.role}${grant.teamId === null ? "" : `-t${grant.teamId}`}`).join("-") || "nobody"}-${process.pid}-${Date.now()}-${counter}@shiplog.test`;
  const user = await createLocalUser(auth, db, { email, name: options.name, grants });
  const cookie = await signInLocal(auth, user.email, user.password);
  return { ...user, cookie, grants };
}

/**
 * A Request as a signed-in browser on Shiplog's own page sends it: the session cookie and, for
 * state-changing methods, Shiplog's Origin.
 */
export function signedInRequest(user: Pick<TestUser, "cookie"> | null, url: string, init: RequestInit = {}): Request {
  const full = new URL(url, "http://shiplog.test");
  const headers = new Headers(init.headers);
  if (user) headers.set("cookie", user.cookie);
  const method = (init.method ?? "GET").toUpperCase();
  if (!["GET", "HEAD"].includes(method) && !headers.has("origin")) headers.set("origin", full.origin);
  return new Request(full, { ...init, headers });
}

let viewer: Promise<TestUser> | undefined;

/** One fleet-wide viewer per test file, in this process's database (the e2e server's, in e2e files). */
export function e2eViewer(): Promise<TestUser> {
  viewer ??= signIn([{ role: "viewer", teamId: null }]);
  return viewer;
}
