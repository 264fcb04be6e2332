// The first start of a Shiplog without any users creates an administrator with a local account:
// SHIPLOG_ADMIN_EMAIL with SHIPLOG_ADMIN_PASSWORD, or a generated password printed once (only
// its hash is stored). Later starts find users and do nothing.
import { createLocalUser } from "../auth/create-local-user";
import { createAuth } from "../auth/get-auth";
import type { Db } from "../db/client";
import type { Config } from "../env";

export type FirstAdmin = { created: false } | { created: true; email: string; password: string | null };

export async function ensureFirstAdmin(db: Db, settings: Config): Promise<FirstAdmin> {
  if ((await db.user.count()) > 0) return { created: false };
  const auth = createAuth(db, settings);
  const { email, password } = await createLocalUser(auth, db, {
    email: settings.SHIPLOG_ADMIN_EMAIL,
    name: "Administrator",
    password: settings.SHIPLOG_ADMIN_PASSWORD,
    grants: [{ role: "admin", teamId: null }],
  });
  // A configured password is the operator's own; it is never printed.
  return { created: true, email, password: settings.SHIPLOG_ADMIN_PASSWORD ? null : password };
}
