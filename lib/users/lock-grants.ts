// Grant changes take one transaction-scoped advisory lock, so two admins revoking each other's
// admin role at the same moment cannot both pass the "last fleet-wide admin" check.
import type { DbOrTx } from "../db/client";

const GRANTS_LOCK_KEY = 5_105_001;

export async function lockGrants(tx: DbOrTx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${GRANTS_LOCK_KEY})`;
}
