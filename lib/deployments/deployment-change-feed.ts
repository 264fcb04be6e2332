// One LISTEN connection per web process on DEPLOYMENT_CHANNEL, fanned out to every open
// timeline stream of that process. Opened when the first subscriber comes, closed a while
// after the last one leaves. Notifications arriving close together are coalesced (one
// message per COALESCE_MS with all their ids), so a burst of syncs costs each browser one
// refetch, not one per deployment. When the LISTEN connection comes back after the database
// went away, every stream is told to refetch, since what changed meanwhile was not heard.
import { databaseUrl } from "../env";
import { logger } from "../log/logger";
import { listenForDeliveries } from "../ingest/queue/listen-for-deliveries";
import { DEPLOYMENT_CHANNEL, parseDeploymentIds } from "./notify-deployments-changed";

export type DeploymentChangeListener = (ids: number[]) => void;

const COALESCE_MS = 150;
const CLOSE_IDLE_AFTER_MS = 30_000;
/** Ids kept per coalesced message; listeners refetch their head anyway, ids are a hint. */
const MAX_PENDING_IDS = 1_000;

type Feed = {
  listeners: Set<DeploymentChangeListener>;
  connection?: { close: () => Promise<void> };
  pending: Set<number>;
  flushTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
};

const globalForFeed = globalThis as unknown as { shiplogDeploymentFeed?: Feed };

function feed(): Feed {
  globalForFeed.shiplogDeploymentFeed ??= { listeners: new Set(), pending: new Set() };
  return globalForFeed.shiplogDeploymentFeed;
}

/** Calls `listener` with the ids of deployments written since; returns the unsubscribe. */
export function subscribeToDeploymentChanges(listener: DeploymentChangeListener): () => void {
  const current = feed();
  current.listeners.add(listener);
  clearTimeout(current.idleTimer);
  current.idleTimer = undefined;
  current.connection ??= listenForDeliveries(databaseUrl(), DEPLOYMENT_CHANNEL, {
    log: { info: (line) => logger("timeline").info(line), warn: (line) => logger("timeline").warn(line), error: (line) => logger("timeline").error(line) },
    onNotification: (payload) => received(current, payload),
    // Changes made while the connection was down were not heard: a message without ids makes
    // every open timeline refetch its head.
    onReconnect: () => received(current, undefined),
  });
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size > 0 || current.idleTimer) return;
    current.idleTimer = setTimeout(() => {
      current.idleTimer = undefined;
      if (current.listeners.size > 0) return;
      const connection = current.connection;
      current.connection = undefined;
      void connection?.close();
    }, CLOSE_IDLE_AFTER_MS);
    current.idleTimer.unref();
  };
}

function received(current: Feed, payload: string | undefined): void {
  for (const id of parseDeploymentIds(payload)) {
    if (current.pending.size >= MAX_PENDING_IDS) break;
    current.pending.add(id);
  }
  current.flushTimer ??= setTimeout(() => {
    current.flushTimer = undefined;
    const ids = [...current.pending];
    current.pending.clear();
    for (const listener of current.listeners) {
      try {
        listener(ids);
      } catch (error) {
        // One broken stream must not keep the others from hearing about it.
        logger("timeline").error({ err: error }, "a deployment change listener failed");
      }
    }
  }, COALESCE_MS);
}

/** Closes the LISTEN connection now (tests; a process that stops serving streams). */
export async function closeDeploymentChangeFeed(): Promise<void> {
  const current = feed();
  clearTimeout(current.idleTimer);
  clearTimeout(current.flushTimer);
  current.idleTimer = undefined;
  current.flushTimer = undefined;
  current.pending.clear();
  const connection = current.connection;
  current.connection = undefined;
  await connection?.close();
}
