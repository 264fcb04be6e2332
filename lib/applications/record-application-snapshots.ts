// Records many Argo CD snapshots (of different applications) with a few set-based statements
// instead of a few statements each: what the ingestion worker does with a batch of Argo CD
// notifications (lib/ingest/handlers/argocd-event.ts). It writes exactly what recording them one
// at a time, in order, with recordApplicationSnapshot writes (tests/lib/applications/
// record-application-snapshots.test.ts compares the two on random streams):
//
// - each application's rows (its state, its operation's deployment and phase log, the rollback
//   link of the deployment before it) depend only on that application's own rows, which are read
//   and locked together (readSnapshotRows) and written together: one statement per table;
// - what is shared between applications is written in between, in order, as the one-at-a-time
//   path would: everything planned so far is written before a service row changes (it is weighed
//   against its applications' newest observations) and before a release relinks commits or
//   rollbacks (they read deployments and service paths); the rows read for the snapshots after
//   such a relink are read again;
// - a snapshot whose effects reach further (a late observation of its application, an operation
//   older than one already recorded, a second snapshot of the same application) is recorded by
//   recordApplicationSnapshot itself, after everything planned before it was written.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { deploymentFactsOf } from "../deployments/merge-deployment-observation";
import { type ClassificationRules, classifyApplication, defaultClassificationRules } from "../fleet/classify-application";
import type { ApplicationRef, FleetDirectory } from "../fleet/fleet-directory";
import { recordServicePaths } from "../fleet/record-service-paths";
import { applicationStateOf, supersedes } from "./merge-application-state";
import {
  type ApplicationStatePlan,
  type DeploymentPlan,
  linkPrevious,
  namesServicePaths,
  planApplicationState,
  planDeployment,
  readSnapshotRows,
  recordApplicationSnapshot,
  type RecordSnapshotResult,
  releaseLookup,
  type SnapshotRow,
  snapshotTarget,
  stateFromRow,
  writeApplicationStates,
  writeDeployments,
} from "./record-application-snapshot";

/** One result per snapshot, in the order given. Run inside a transaction. */
export async function recordApplicationSnapshots(
  db: DbOrTx,
  directory: FleetDirectory,
  snapshots: ApplicationSnapshot[],
  rules: ClassificationRules = defaultClassificationRules,
): Promise<RecordSnapshotResult[]> {
  const batch = new SnapshotBatch(db, directory, rules, snapshots.length);
  for (const [index, snapshot] of snapshots.entries()) {
    const classification = classifyApplication(snapshot, rules);
    if (!directory.serviceIsCurrent(classification)) await batch.record();
    const ref = await directory.application(db, snapshot, classification, rules);
    if (batch.includes(ref.applicationId)) await batch.record();
    batch.add({ index, snapshot, ref });
  }
  await batch.record();
  return batch.results;
}

type Entry = { index: number; snapshot: ApplicationSnapshot; ref: ApplicationRef };

// Rows read at once after a relink made the ones read before stale: small, so a run of
// first sightings (each relinking) does not re-read the whole batch after each of them.
const WINDOW_AFTER_RELINK = 8;

class SnapshotBatch {
  readonly results: RecordSnapshotResult[];
  private entries: Entry[] = [];
  private readonly applications = new Set<number>();
  // Planned, not yet written.
  private deployments: { index: number; plan: DeploymentPlan }[] = [];
  private states: ApplicationStatePlan[] = [];
  private servicePaths: number[] = [];

  constructor(
    private readonly db: DbOrTx,
    private readonly directory: FleetDirectory,
    private readonly rules: ClassificationRules,
    size: number,
  ) {
    this.results = new Array<RecordSnapshotResult>(size);
  }

  includes(applicationId: number): boolean {
    return this.applications.has(applicationId);
  }

  add(entry: Entry): void {
    this.entries.push(entry);
    this.applications.add(entry.ref.applicationId);
  }

  /** Records every entry added so far. */
  async record(): Promise<void> {
    let remaining = this.entries;
    this.entries = [];
    this.applications.clear();
    let window = remaining.length;
    while (remaining.length > 0) {
      const reading = remaining.slice(0, window);
      const rows = await readSnapshotRows(this.db, reading.map((entry) => snapshotTarget(entry.ref, deploymentFactsOf(entry.snapshot))));
      let done = 0;
      let stale = false;
      for (const entry of reading) {
        done += 1;
        const alone = await this.plan(entry, rows.get(entry.ref.applicationId)!, () => {
          stale = true;
          return this.write();
        });
        if (alone) {
          await this.write();
          this.results[entry.index] = await recordApplicationSnapshot(this.db, this.directory, entry.snapshot, this.rules);
          stale = true;
        }
        if (stale) break;
      }
      await this.write();
      remaining = remaining.slice(done);
      window = stale ? WINDOW_AFTER_RELINK : window * 4;
    }
  }

  /** Plans one entry's writes; true when it must be recorded alone instead. */
  private async plan(entry: Entry, row: SnapshotRow, beforeRelink: () => Promise<void>): Promise<boolean> {
    const { snapshot, ref } = entry;
    const facts = deploymentFactsOf(snapshot);
    const state = applicationStateOf(snapshot);
    // A late observation, or an operation older than one recorded (in practice a late observation
    // too): they touch more than their own rows.
    if (!supersedes(row.observed_at ? stateFromRow(row) : null, state) || (facts && row.has_next)) return true;
    this.results[entry.index] = { applicationId: ref.applicationId, deploymentId: null, appliedToApplication: true };
    const release = releaseLookup(this.db, this.directory, ref, beforeRelink);
    if (facts) this.deployments.push({ index: entry.index, plan: await planDeployment(ref, snapshot, facts, row, release) });
    this.states.push(await planApplicationState(ref, state, snapshot, release));
    if (namesServicePaths(snapshot, ref, this.rules)) this.servicePaths.push(ref.serviceId);
    return false;
  }

  /** Writes what is planned: deployments and their phase logs, rollback links, states, service paths. */
  private async write(): Promise<void> {
    const deployments = this.deployments.splice(0);
    const states = this.states.splice(0);
    const services = [...new Set(this.servicePaths.splice(0))];
    const plans = deployments.map((deployment) => deployment.plan);
    const written = await writeDeployments(this.db, plans);
    await linkPrevious(this.db, plans, written);
    for (const { index, plan } of deployments) this.results[index]!.deploymentId = written.get(plan.ref.applicationId)!;
    await writeApplicationStates(this.db, states);
    for (const serviceId of services) await recordServicePaths(this.db, serviceId, this.rules);
  }
}
