// Replaying stored deliveries. webhook_deliveries is the record of everything Shiplog was told;
// every table the worker writes is a projection of it, so projections can always be rebuilt.
//
// - replayDeliveries / replayDelivery put deliveries back in the queue (PENDING, attempts 0):
//   after fixing a bug that quarantined them, or to re-apply them. Re-applying a delivery that
//   was processed is harmless: the domain functions are idempotent and order-independent.
// - rebuildProjections empties the projections and applies every stored delivery again, one at
//   a time in received order, which makes the result a function of the deliveries alone. Other
//   workers pause meanwhile: each delivery transaction holds REBUILD_LOCK_KEY shared, the
//   rebuild holds it exclusively (and waits for deliveries in flight to finish before it starts).
import pg from "pg";
import type { AuditContext } from "../../audit/audit-context";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { type Db, type DbOrTx, getDb } from "../../db/client";
import { databaseUrl } from "../../env";
import { FleetDirectory } from "../../fleet/fleet-directory";
import { rebuildDoraRollups } from "../../metrics/rebuild-dora-rollups";
import type { DeliverySource, DeliveryStatus } from "../../generated/prisma/enums";
import { applyDelivery, REBUILD_LOCK_KEY, type WorkerLog } from "../queue/apply-delivery";
import { DELIVERY_CHANNEL, REBUILT_NOTIFICATION } from "../queue/delivery-channel";
import { defaultRetryPolicy, type RetryPolicy } from "../queue/delivery-retry-policy";
import { consoleLog, type DrainSummary, processDirectory } from "../queue/worker";

/**
 * What ingestion derives from deliveries, and a rebuild empties. Services, environments,
 * instances and clusters are created by ingestion on first sight, so they are projections too.
 * Teams are too, but a rebuild keeps them: role grants are scoped to a team by its id.
 */
export const PROJECTION_TABLES = [
  "services",
  "environments",
  "argo_instances",
  "clusters",
  "applications",
  "releases",
  "release_commits",
  "commits",
  "pull_requests",
  "pull_request_commits",
  "builds",
  "deployments",
  "deployment_events",
  // Argo Rollouts' progress per Rollout (lib/argo-rollouts), from Argo CD's and Argo Rollouts' notifications.
  "argo_rollouts",
  // DORA rollups (lib/metrics): derived from the rows above, rebuilt at the end of a rebuild.
  "dora_daily_rollups",
  "dora_team_daily_rollups",
  "dora_lead_time_samples",
  "dora_restore_samples",
  "dora_dirty_marks",
] as const;

/**
 * Projections kept by triggers on the tables above, which also empty them when those are
 * truncated (service_environment_states: AFTER TRUNCATE ON applications); truncating them in
 * the same statement would collide with that trigger.
 */
export const TRIGGER_EMPTIED_PROJECTIONS = ["service_environment_states"] as const;

/**
 * Kept by a rebuild: teams, people with their sessions, role grants and sign-in throttling
 * (rate_limit_counters, sign_in_backoffs), the deliveries themselves (with their idempotency keys),
 * configuration and credentials (webhook and API tokens), the append-only
 * audit log, migration bookkeeping, people's rollback requests, and the GitHub API's cache and
 * redelivery bookkeeping (the range completion job re-derives what it added to commits from
 * that cache after a rebuild).
 */
export const KEPT_TABLES = [
  "teams",
  "users",
  "sessions",
  "accounts",
  "verifications",
  "role_grants",
  "rate_limit_counters",
  "sign_in_backoffs",
  "webhook_deliveries",
  "webhook_delivery_keys",
  "webhook_tokens",
  "api_tokens",
  "settings",
  "audit_events",
  "_prisma_migrations",
  "rollbacks",
  "rollback_transitions",
  "promotions",
  "promotion_waves",
  "promotion_applications",
  "promotion_steps",
  "github_responses",
  "github_redeliveries",
  "gitlab_resends",
] as const;

export type ReplayFilter = {
  source?: DeliverySource;
  /** Deliveries received at or after this time. */
  since?: Date;
  statuses?: DeliveryStatus[];
};

/**
 * Puts the matching deliveries back in the queue; returns how many. With an audit context (a
 * person asked, through the API) the audit event is written in the same transaction.
 */
export async function replayDeliveries(filter: ReplayFilter = {}, db: Db = getDb(), audit: AuditContext | null = null): Promise<number> {
  return db.$transaction(async (tx) => {
    const count = await tx.$executeRaw`
      UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, last_error = NULL, next_attempt_at = now(), processed_at = NULL
      WHERE (${filter.source ?? null}::"DeliverySource" IS NULL OR source = ${filter.source ?? null}::"DeliverySource")
        AND (${filter.since ?? null}::timestamptz IS NULL OR received_at >= ${filter.since ?? null}::timestamptz)
        AND (${filter.statuses ?? null}::"DeliveryStatus"[] IS NULL OR status = ANY(${filter.statuses ?? null}::"DeliveryStatus"[]))`;
    if (audit) {
      await recordAuditEvent(tx, {
        actor: audit.actor,
        action: "delivery.replayed",
        targetType: "deliveries",
        targetId: filter.source ?? "all",
        reason: audit.reason,
        requestId: audit.requestId,
        outcome: "success",
        detail: { replayed: count, source: filter.source ?? null, statuses: filter.statuses ?? null, since: filter.since?.toISOString() ?? null },
      });
    }
    // Delivered to listeners when the transaction commits.
    if (count > 0) await notifyWorkers(tx);
    return count;
  });
}

/** Puts one delivery back in the queue (the UI's "replay"); null when there is no such delivery. */
export async function replayDelivery(id: bigint, db: DbOrTx = getDb()): Promise<{ id: bigint; status: DeliveryStatus } | null> {
  const rows = await db.$queryRaw<{ id: bigint; status: DeliveryStatus }[]>`
    UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, last_error = NULL, next_attempt_at = now(), processed_at = NULL
    WHERE id = ${id} RETURNING id, status`;
  if (rows[0]) await notifyWorkers(db);
  return rows[0] ?? null;
}

export class RebuildRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RebuildRefusedError";
  }
}

export type RebuildSummary = DrainSummary & {
  deliveries: number;
  /** Left pending behind an earlier delivery of their key that failed; the worker retries them in order. */
  deferred: number;
  seconds: number;
};

/**
 * Empties the projections and applies every stored delivery again in received order. Refuses
 * while rollbacks or promotions exist (they point at applications, releases and deployments by id, which a
 * rebuild cannot keep), and when a fleet is stored but no deliveries are. Whatever was not
 * ingested as a delivery (the seeded demo fleet) is gone after a rebuild.
 */
export async function rebuildProjections(
  options: { db?: Db; url?: string; log?: WorkerLog; retry?: Partial<RetryPolicy>; transactionTimeoutMs?: number } = {},
): Promise<RebuildSummary> {
  const db = options.db ?? getDb();
  const log = options.log ?? consoleLog();
  const started = Date.now();
  // A session lock on a connection of its own, held for the whole rebuild.
  const session = new pg.Client({ connectionString: options.url ?? databaseUrl() });
  await session.connect();
  try {
    log.info("[rebuild] waiting for deliveries in flight to finish");
    await session.query("SELECT pg_advisory_lock($1)", [REBUILD_LOCK_KEY.toString()]);
    try {
      const rollbacks = await session.query<{ count: string }>("SELECT count(*) FROM rollbacks");
      if (Number(rollbacks.rows[0]!.count) > 0) {
        throw new RebuildRefusedError(
          `${rollbacks.rows[0]!.count} rollback(s) refer to applications, releases and deployments a rebuild would replace; rebuild refused.`,
        );
      }
      const promotions = await session.query<{ count: string }>("SELECT count(*) FROM promotions");
      if (Number(promotions.rows[0]!.count) > 0) {
        throw new RebuildRefusedError(
          `${promotions.rows[0]!.count} promotion(s) refer to applications, releases and environments a rebuild would replace; rebuild refused.`,
        );
      }
      // A fleet without deliveries was loaded some other way (the demo fleet is seeded through
      // the domain functions directly): a rebuild would only empty it.
      const stored = await session.query<{ deliveries: boolean; applications: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM webhook_deliveries) AS deliveries, EXISTS (SELECT 1 FROM applications) AS applications",
      );
      if (!stored.rows[0]!.deliveries && stored.rows[0]!.applications) {
        throw new RebuildRefusedError("no deliveries are stored, but the database holds a fleet (the demo fleet?): a rebuild would only empty it; rebuild refused.");
      }
      await session.query("BEGIN");
      try {
        // Sequences are not restarted: an id a running process still remembers never names a new row.
        await session.query(`TRUNCATE ${[...PROJECTION_TABLES, "rollback_transitions", "rollbacks", "promotion_steps", "promotion_applications", "promotion_waves", "promotions"].map(quote).join(", ")}`);
        await session.query(
          "UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, last_error = NULL, next_attempt_at = now(), processed_at = NULL",
        );
        await session.query("COMMIT");
      } catch (error) {
        await session.query("ROLLBACK");
        throw error;
      }
      processDirectory().clear();

      const { rows } = await session.query<{ id: string; ordering_key: string | null }>(
        "SELECT id, ordering_key FROM webhook_deliveries ORDER BY received_at, id",
      );
      log.info(`[rebuild] projections emptied; applying ${rows.length} deliveries in received order`);
      const summary: RebuildSummary = { processed: 0, ignored: 0, failed: 0, quarantined: 0, deliveries: rows.length, deferred: 0, seconds: 0 };
      const directory = new FleetDirectory();
      const blockedKeys = new Set<string>();
      const context = {
        retry: { ...defaultRetryPolicy, ...options.retry },
        log,
        transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000,
        duringRebuild: true,
      };
      for (const [index, row] of rows.entries()) {
        // Keep each key in order: after a failure, its later deliveries wait for the worker.
        if (row.ordering_key !== null && blockedKeys.has(row.ordering_key)) {
          summary.deferred += 1;
          continue;
        }
        const result = await applyDelivery(db, directory, BigInt(row.id), context);
        if (result.kind === "PROCESSED") summary.processed += 1;
        else if (result.kind === "IGNORED") summary.ignored += 1;
        else if (result.kind === "QUARANTINED") summary.quarantined += 1;
        else if (result.kind === "FAILED") {
          summary.failed += 1;
          if (row.ordering_key !== null) blockedKeys.add(row.ordering_key);
        }
        if ((index + 1) % 1000 === 0) log.info(`[rebuild] ${index + 1}/${rows.length} deliveries applied`);
      }
      const dora = await rebuildDoraRollups(db);
      log.info(`[rebuild] DORA rollups rebuilt: ${dora.rows} rows in ${dora.milliseconds} ms`);
      summary.seconds = (Date.now() - started) / 1000;
      return summary;
    } finally {
      // Workers forget ids of rows that no longer exist, and go on with what is pending.
      await session.query("SELECT pg_notify($1, $2)", [DELIVERY_CHANNEL, REBUILT_NOTIFICATION]).catch(() => undefined);
      await session.query("SELECT pg_advisory_unlock($1)", [REBUILD_LOCK_KEY.toString()]).catch(() => undefined);
    }
  } finally {
    await session.end().catch(() => undefined);
  }
}

async function notifyWorkers(db: DbOrTx): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${DELIVERY_CHANNEL}, '')`;
}

const quote = (table: string) => `"${table}"`;
