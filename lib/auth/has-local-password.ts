// Whether a person can sign in with a Shiplog password (a local "credential" account), or only
// through single sign-on: the account page offers the password form only to the former.
import { type DbOrTx, readDb } from "../db/client";

export async function hasLocalPassword(userId: string, { db = readDb() }: { db?: DbOrTx } = {}): Promise<boolean> {
  const account = await db.account.findFirst({ where: { userId, providerId: "credential", password: { not: null } }, select: { id: true } });
  return account !== null;
}
