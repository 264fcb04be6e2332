// Tells open timelines that deployments were written: NOTIFY on DEPLOYMENT_CHANNEL with the ids.
// Called by the ingestion worker's handlers inside the delivery's transaction, so the
// notification is delivered only if (and when) the transaction commits. Web processes LISTEN
// (deployment-change-feed.ts) and pass it on as server-sent events; web and worker may be
// different processes, PostgreSQL carries it between them.
import type { DbOrTx } from "../db/client";

export const DEPLOYMENT_CHANNEL = "shiplog_deployments";

/** NOTIFY payloads are limited to 8,000 bytes; ids beyond this many are left to the listeners' refetch. */
const MAX_IDS = 500;

export async function notifyDeploymentsChanged(db: DbOrTx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const payload = [...new Set(ids)].slice(0, MAX_IDS).join(",");
  await db.$executeRaw`SELECT pg_notify(${DEPLOYMENT_CHANNEL}, ${payload})`;
}

/** The ids of a DEPLOYMENT_CHANNEL payload ("12,13"); anything else is ignored. */
export function parseDeploymentIds(payload: string | undefined): number[] {
  if (!payload) return [];
  return payload
    .split(",")
    .map((part) => Number(part))
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}
