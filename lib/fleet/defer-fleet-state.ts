// The fleet summary (service_environment_states) is kept by statement triggers on applications:
// each statement that changes an application's health, sync, release, cluster or deletion
// recounts its service and environment at once, and holds that summary row's lock until the
// transaction ends. A worker batch changes applications in several statements and then goes on
// writing deployments, rollback progress and delivery statuses, so concurrent batches of one
// service and environment used to wait for each other's whole batch.
//
// deferFleetState makes the triggers of the current transaction only collect the keys they
// would recount; refreshDeferredFleetState recounts them once, as the transaction's last write.
// A recount reads the applications as they are when it runs, so the summary committed is the
// one recounting after every statement gives (prisma/migrations/20261207172000_deferred_fleet_state_refresh).
import type { DbOrTx } from "../db/client";

/** Run inside a transaction; until it ends, application changes are recounted only on refreshDeferredFleetState. */
export async function deferFleetState(tx: DbOrTx): Promise<void> {
  await tx.$executeRaw`SELECT set_config('shiplog.defer_fleet_state', 'on', true)`;
}

/** Recounts every service and environment changed since deferFleetState, and ends the deferral. */
export async function refreshDeferredFleetState(tx: DbOrTx): Promise<void> {
  await tx.$executeRaw`SELECT refresh_deferred_service_environment_states()`;
}
