// Applies one delivery in one transaction: lock its row (FOR UPDATE SKIP LOCKED: a delivery
// another worker holds is skipped, never waited for), run its handler, and set its status in
// the same transaction, so the fleet model and the delivery's status change together or not at
// all. The handler runs inside a savepoint: when it fails, its writes are rolled back while the
// row stays locked, and the failure (attempts, last_error, next retry) is recorded in the same
// transaction; no other worker can pick the delivery up in between.
//
// Retried at once, without counting an attempt: a deadlock or serialization failure (up to three
// times), and any other failure once with an emptied fleet directory, since a directory entry
// may name a row whose transaction rolled back, or that a rebuild removed.
//
// applyDeliveries applies several due deliveries in ONE transaction, in received order (several of
// one ordering key among them, find-due-deliveries.ts): the per-delivery cost of a transaction (begin, rebuild gate, lock, status update,
// commit and its WAL flush) was half the round trips of a GitHub delivery and most of the
// worker's time. The batch runs optimistically, without a savepoint per delivery; if anything in
// it fails, the whole batch rolls back and each of its deliveries is applied alone as above, so a
// bad delivery is retried or quarantined exactly as before and never takes the others down. A
// deadlock between two batches reruns the batch whole (up to three times) before that.
// Side effects the batch's deliveries share (NOTIFY of written deployments, rollback progress)
// are done once for the batch, before it commits (handlers/delivery-effects.ts), and the fleet
// summary of the services and environments it changed is recounted once, last, so its rows stay
// locked for the end of the batch only (lib/fleet/defer-fleet-state.ts). The batch's Argo
// CD notifications are recorded together, set-based (process-delivery.ts: processDeliveries),
// which writes exactly what applying them one at a time writes.
// Status updates name the row by id AND received_at, the partition key of webhook_deliveries, so
// they touch one daily partition instead of probing every partition's primary key.
import type { Db, DbOrTx } from "../../db/client";
import { isDataException } from "../../db/is-data-exception";
import { isDatabaseUnavailable } from "../../db/is-database-unavailable";
import { isWriteConflict } from "../../db/is-write-conflict";
import { deferFleetState, refreshDeferredFleetState } from "../../fleet/defer-fleet-state";
import type { FleetDirectory } from "../../fleet/fleet-directory";
import type { DeliverySource } from "../../generated/prisma/enums";
import { afterFailure, type RetryPolicy } from "./delivery-retry-policy";
import { DeliveryEffects } from "../handlers/delivery-effects";
import { InvalidPayloadError, type StoredDelivery } from "../handlers/delivery-handler";
import { processDeliveries, processDelivery } from "./process-delivery";

/** Held shared by every delivery transaction, exclusively by a rebuild (replay/replay-deliveries.ts). */
export const REBUILD_LOCK_KEY = 0x5348_4950_4c4f_47n; // "SHIPLOG"

export type WorkerLog = { info: (line: string) => void; warn: (line: string) => void; error: (line: string) => void };

export type ApplyOptions = {
  retry: RetryPolicy;
  log: WorkerLog;
  /** Longest a delivery's transaction may run (Prisma's interactive transaction timeout). */
  transactionTimeoutMs: number;
  /** The rebuild itself holds the rebuild lock and processes while others wait. */
  duringRebuild?: boolean;
  /** Called once a delivery is locked, before its handler runs (metrics, tests). */
  onApplying?: (delivery: StoredDelivery) => void;
};

export type ApplyResult =
  | { kind: "PROCESSED" | "IGNORED"; delivery: StoredDelivery; reason?: string }
  | { kind: "FAILED" | "QUARANTINED"; delivery: StoredDelivery; error: string }
  /** Locked by another worker, already finished, or not due any more. */
  | { kind: "SKIPPED" }
  /** A rebuild is running: nothing may be processed until it ends. */
  | { kind: "PAUSED" };

const MAX_CONFLICT_RETRIES = 3;

export async function applyDelivery(db: Db, directory: FleetDirectory, id: bigint, options: ApplyOptions): Promise<ApplyResult> {
  for (let conflicts = 0; ; conflicts += 1) {
    let locked: StoredDelivery | undefined;
    try {
      return await db.$transaction(
        async (tx) => {
          if (!options.duringRebuild) {
            const [gate] = await tx.$queryRaw<{ open: boolean }[]>`SELECT pg_try_advisory_xact_lock_shared(${REBUILD_LOCK_KEY}) AS open`;
            if (!gate?.open) return { kind: "PAUSED" } as const;
          }
          locked = await lockDelivery(tx, id);
          if (!locked) return { kind: "SKIPPED" } as const;
          options.onApplying?.(locked);
          return await applyLocked(tx, directory, locked, options);
        },
        { timeout: options.transactionTimeoutMs, maxWait: 10_000 },
      );
    } catch (error) {
      directory.clear();
      if (isWriteConflict(error) && conflicts < MAX_CONFLICT_RETRIES) continue;
      if (!locked || isDatabaseUnavailable(error)) throw error;
      // The transaction itself failed (timed out, connection lost): record the failure on its own.
      return recordFailureAfterRollback(db, locked, error, options);
    }
  }
}

/**
 * Applies `ids` (due deliveries, several of one ordering key possibly) in one transaction and
 * returns one result per id, in the order applied. Any failure in the batch rolls it back and
 * falls back to applyDelivery for each id, in received order: a delivery that fails there holds
 * back the rest of its key (they are SKIPPED, and wait for it), as it would have alone.
 */
export async function applyDeliveries(db: Db, directory: FleetDirectory, ids: readonly bigint[], options: ApplyOptions): Promise<ApplyResult[]> {
  if (ids.length <= 1) return Promise.all(ids.map((id) => applyDelivery(db, directory, id, options)));
  const announced = new Set<bigint>();
  for (let conflicts = 0; ; conflicts += 1) {
    try {
      return await applyBatch(db, directory, ids, options, announced);
    } catch (error) {
      directory.clear();
      if (isDatabaseUnavailable(error)) throw error;
      // Concurrent batches touching shared rows (a service's releases) can deadlock: the victim
      // runs again as a whole rather than one delivery at a time.
      if (isWriteConflict(error) && conflicts < MAX_CONFLICT_RETRIES) continue;
      // Which delivery failed is not known (the batch ran without savepoints): apply each alone.
      const alone: ApplyOptions = {
        ...options,
        // Each delivery is announced once, whichever attempt locks it first.
        onApplying: (delivery) => (announced.has(delivery.id) ? undefined : options.onApplying?.(delivery)),
      };
      const results: ApplyResult[] = [];
      for (const id of ids) results.push(await applyDelivery(db, directory, id, alone));
      return results;
    }
  }
}

async function applyBatch(
  db: Db,
  directory: FleetDirectory,
  ids: readonly bigint[],
  options: ApplyOptions,
  announced: Set<bigint>,
): Promise<ApplyResult[]> {
  return db.$transaction(
    async (tx) => {
      if (!options.duringRebuild) {
        const [gate] = await tx.$queryRaw<{ open: boolean }[]>`SELECT pg_try_advisory_xact_lock_shared(${REBUILD_LOCK_KEY}) AS open`;
        if (!gate?.open) return [{ kind: "PAUSED" } as const];
      }
      const locked = await lockDeliveries(tx, ids);
      await deferFleetState(tx);
      const results: ApplyResult[] = [];
      const effects = new DeliveryEffects();
      for (const delivery of locked) {
        if (announced.has(delivery.id)) continue;
        announced.add(delivery.id);
        options.onApplying?.(delivery);
      }
      const outcomes = await processDeliveries({ db: tx, directory, effects }, locked);
      for (const [index, delivery] of locked.entries()) {
        const outcome = outcomes[index]!;
        results.push(outcome.status === "IGNORED" ? { kind: "IGNORED", delivery, reason: outcome.reason } : { kind: "PROCESSED", delivery });
      }
      await effects.flush(tx);
      await refreshDeferredFleetState(tx);
      if (locked.length > 0) {
        await tx.$executeRaw`
          UPDATE webhook_deliveries AS d SET status = u.status::"DeliveryStatus", attempts = d.attempts + 1, last_error = NULL,
            processed_at = clock_timestamp()
          FROM unnest(${locked.map((delivery) => delivery.id.toString())}::bigint[], ${locked.map((delivery) => delivery.receivedAt)}::timestamptz[],
            ${results.map((result) => result.kind)}::text[]) AS u(id, received_at, status)
          WHERE d.id = u.id AND d.received_at = u.received_at`;
      }
      const skipped = ids.length - locked.length;
      return [...results, ...Array.from({ length: skipped }, () => ({ kind: "SKIPPED" }) as const)];
    },
    { timeout: options.transactionTimeoutMs, maxWait: 10_000 },
  );
}

async function lockDelivery(tx: DbOrTx, id: bigint): Promise<StoredDelivery | undefined> {
  return (await lockDeliveries(tx, [id]))[0];
}

/**
 * Locks those of `ids` that are still due and free, oldest first, and may be applied now: a
 * delivery whose key has an older unfinished delivery outside this set (another worker is
 * applying it, or it waits for its retry) is left for later, so each key's deliveries are applied
 * in received order however the ids were gathered. Those left stay locked until this transaction
 * ends, unchanged; nobody else could apply them meanwhile either.
 */
async function lockDeliveries(tx: DbOrTx, ids: readonly bigint[]): Promise<StoredDelivery[]> {
  const rows = await tx.$queryRaw<
    { id: bigint; source: DeliverySource; event: string; ordering_key: string | null; body: string; received_at: Date; attempts: number }[]
  >`
    WITH locked AS (
      SELECT id, source, event, ordering_key, body, received_at, attempts FROM webhook_deliveries
      WHERE id = ANY(${ids.map((id) => id.toString())}::bigint[]) AND status IN ('PENDING', 'FAILED') AND next_attempt_at <= now()
      FOR UPDATE SKIP LOCKED)
    SELECT * FROM locked l
    WHERE l.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM webhook_deliveries older
      WHERE older.ordering_key = l.ordering_key AND older.status IN ('PENDING', 'FAILED')
        AND (older.received_at, older.id) < (l.received_at, l.id) AND older.id <> ALL (SELECT id FROM locked))
    ORDER BY received_at, id`;
  return rows.map((row) => ({
    id: row.id,
    source: row.source,
    event: row.event,
    orderingKey: row.ordering_key,
    body: row.body,
    receivedAt: row.received_at,
    attempts: row.attempts,
  }));
}

async function applyLocked(tx: DbOrTx, directory: FleetDirectory, delivery: StoredDelivery, options: ApplyOptions): Promise<ApplyResult> {
  let conflicts = 0;
  let retriedCold = false;
  for (;;) {
    await tx.$executeRaw`SAVEPOINT apply_delivery`;
    try {
      const outcome = await processDelivery({ db: tx, directory, delivery });
      await tx.$executeRaw`RELEASE SAVEPOINT apply_delivery`;
      await tx.$executeRaw`
        UPDATE webhook_deliveries SET status = ${outcome.status}::"DeliveryStatus", attempts = attempts + 1, last_error = NULL,
          processed_at = clock_timestamp()
        WHERE id = ${delivery.id} AND received_at = ${delivery.receivedAt}`;
      return outcome.status === "IGNORED"
        ? { kind: "IGNORED", delivery, reason: outcome.reason }
        : { kind: "PROCESSED", delivery };
    } catch (error) {
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT apply_delivery`;
      directory.clear();
      if (isWriteConflict(error) && conflicts < MAX_CONFLICT_RETRIES) {
        conflicts += 1;
        continue;
      }
      if (!retriedCold && !isPermanent(error) && !isDatabaseUnavailable(error)) {
        retriedCold = true;
        continue;
      }
      if (isDatabaseUnavailable(error)) throw error;
      return recordFailure(tx, delivery, error, options);
    }
  }
}

async function recordFailure(tx: DbOrTx, delivery: StoredDelivery, error: unknown, options: ApplyOptions): Promise<ApplyResult> {
  const attempts = delivery.attempts + 1;
  const fate = afterFailure(attempts, options.retry, { permanent: isPermanent(error) });
  const message = describeDeliveryError(error);
  const retryInMs = fate.status === "FAILED" ? fate.retryInMs : 0;
  await tx.$executeRaw`
    UPDATE webhook_deliveries SET status = ${fate.status}::"DeliveryStatus", attempts = ${attempts}, last_error = ${message},
      next_attempt_at = now() + ${retryInMs} * interval '1 millisecond', processed_at = NULL
    WHERE id = ${delivery.id} AND received_at = ${delivery.receivedAt}`;
  logFailure(options.log, delivery, attempts, fate.status, retryInMs, message, options.retry.maxAttempts);
  return { kind: fate.status, delivery, error: message };
}

/** After the whole transaction failed; guarded so a delivery another worker took since is left alone. */
async function recordFailureAfterRollback(db: Db, delivery: StoredDelivery, error: unknown, options: ApplyOptions): Promise<ApplyResult> {
  const attempts = delivery.attempts + 1;
  const fate = afterFailure(attempts, options.retry, { permanent: isPermanent(error) });
  const message = describeDeliveryError(error);
  const retryInMs = fate.status === "FAILED" ? fate.retryInMs : 0;
  const updated = await db.$executeRaw`
    UPDATE webhook_deliveries SET status = ${fate.status}::"DeliveryStatus", attempts = ${attempts}, last_error = ${message},
      next_attempt_at = now() + ${retryInMs} * interval '1 millisecond', processed_at = NULL
    WHERE id = ${delivery.id} AND received_at = ${delivery.receivedAt} AND attempts = ${delivery.attempts} AND status IN ('PENDING', 'FAILED')`;
  if (updated === 0) return { kind: "SKIPPED" };
  logFailure(options.log, delivery, attempts, fate.status, retryInMs, message, options.retry.maxAttempts);
  return { kind: fate.status, delivery, error: message };
}

function logFailure(
  log: WorkerLog,
  delivery: StoredDelivery,
  attempts: number,
  status: "FAILED" | "QUARANTINED",
  retryInMs: number,
  message: string,
  maxAttempts: number,
): void {
  const what = `delivery ${delivery.id} (${delivery.source.toLowerCase()} ${delivery.event}, key ${delivery.orderingKey ?? "none"})`;
  if (status === "QUARANTINED") log.error(`[worker] ${what} quarantined after ${attempts} attempt(s): ${message}`);
  else log.warn(`[worker] ${what} failed (attempt ${attempts}/${maxAttempts}), retrying in ${Math.round(retryInMs / 1000)} s: ${message}`);
}

/**
 * A failure no retry can cure: the payload is unusable, or PostgreSQL refused a value in it (a
 * NUL character, text that is not valid input for its column). Quarantined at once, so a poison
 * delivery does not hold back its ordering key (one repository, one application) for minutes.
 */
function isPermanent(error: unknown): boolean {
  return error instanceof InvalidPayloadError || isDataException(error);
}

/** The text kept in last_error: the cause an operator can act on, without Prisma's boilerplate. */
export function describeDeliveryError(error: unknown): string {
  if (error instanceof InvalidPayloadError) return error.message;
  if (!(error instanceof Error)) return String(error).slice(0, 4000);
  const raw = RAW_QUERY_FAILURE.exec(error.message);
  if (raw) return `database error ${raw[1]}: ${raw[2]}`.slice(0, 4000);
  const message = error.message
    .split("\n")
    .filter((line) => !/^Invalid `.*` invocation/.test(line.trim()) && line.trim() !== "")
    .join("\n");
  return `${error.name === "Error" ? "" : `${error.name}: `}${message}`.slice(0, 4000);
}

// How Prisma reports a failed $queryRaw/$executeRaw through the pg driver adapter.
const RAW_QUERY_FAILURE = /Raw query failed\. Code: `([^`]+)`\. Message: `([\s\S]*)`/;
