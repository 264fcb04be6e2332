// A local (email and password) account with manual grants, made through Better Auth's own
// adapter and password hashing: the first-start admin, and test users.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { forgetGrants } from "./read-grants";
import type { Grant } from "./roles";
import type { ShiplogAuth } from "./get-auth";

export type LocalUserInput = { email: string; name?: string; password?: string; grants: Grant[] };

/** A password strong enough to print once: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

export async function createLocalUser(auth: ShiplogAuth, db: Db, input: LocalUserInput): Promise<{ userId: string; email: string; password: string }> {
  const context = await auth.$context;
  const email = input.email.toLowerCase();
  const password = input.password ?? generatePassword();
  const user = await context.internalAdapter.createUser({ email, name: input.name ?? email.split("@")[0]!, emailVerified: true }, { method: "admin" });
  await context.internalAdapter.linkAccount({
    userId: user.id,
    providerId: "credential",
    accountId: user.id,
    password: await context.password.hash(password),
  });
  if (input.grants.length > 0) {
    await db.roleGrant.createMany({ data: input.grants.map((grant) => ({ userId: user.id, role: grant.role, teamId: grant.teamId, source: "manual" as const })) });
  }
  forgetGrants(user.id);
  return { userId: user.id, email, password };
}

/** Signs in with email and password; returns the Cookie header value of the new session. */
export async function signInLocal(auth: ShiplogAuth, email: string, password: string): Promise<string> {
  const response = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
  if (!response.ok) throw new Error(`signing in ${email} failed: ${response.status} ${await response.text()}`);
  return cookieHeaderOf(response.headers);
}

/** `name=value; name=value` from a response's Set-Cookie headers (attributes dropped). */
export function cookieHeaderOf(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}
