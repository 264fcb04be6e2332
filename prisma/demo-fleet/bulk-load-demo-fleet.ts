// The bulk path for benchmark-sized fleets (5,000 services, 100,000 applications, millions of
// deployments): each service's events are projected in memory (project-demo-service.ts) and
// written with COPY, a batch of services per transaction. Only for an empty fleet.
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createDb } from "../../lib/db/client";
import { rebuildDoraRollups } from "../../lib/metrics/rebuild-dora-rollups";
import { type DemoFleetOptions, demoServiceEvents, demoServices } from "./generate-demo-fleet";
import { type ApplicationRow, type IdSource, ServiceProjection, type Topology } from "./project-demo-service";

export type BulkLoadOptions = DemoFleetOptions & {
  applicationsPerService?: number;
  /** Services per transaction. */
  batch?: number;
  log?: (line: string) => void;
};

const TABLES = ["services", "applications", "releases", "commits", "pull_requests", "builds", "deployments", "deployment_events"] as const;

export async function bulkLoadDemoFleet(url: string, options: BulkLoadOptions): Promise<Record<string, number>> {
  const log = options.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const topology = await readTopology(client);
    const next: Record<string, number> = {};
    for (const table of TABLES) {
      const { rows } = await client.query(`SELECT COALESCE(max(id), 0)::int AS max FROM "${table}"`);
      next[table] = rows[0].max + 1;
    }
    const ids: IdSource = (table) => next[table]!++;
    const services = demoServices(options.services, { applicationsPerService: options.applicationsPerService });
    const batch = options.batch ?? 25;
    const totals: Record<string, number> = {};
    for (let start = 0; start < services.length; start += batch) {
      const projections = services.slice(start, start + batch).map((service) => {
        const projection = new ServiceProjection(ids, topology);
        for (const event of demoServiceEvents(service, options)) projection.apply(event);
        projection.linkReleases();
        return projection;
      });
      await client.query("BEGIN");
      try {
        for (const [table, rows] of tableRows(projections)) {
          const name = table.split(" ")[0]!;
          totals[name] = (totals[name] ?? 0) + rows.length;
          await copyRows(client, table, rows);
        }
        const apps = projections.flatMap((projection) => [...projection.applications.values()]).filter((app) => app.lastDeploymentId !== null);
        await client.query(
          `UPDATE applications a SET last_deployment_id = v.deployment_id
           FROM unnest($1::int[], $2::int[]) AS v(app_id, deployment_id) WHERE a.id = v.app_id`,
          [apps.map((app) => app.id), apps.map((app) => app.lastDeploymentId)],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      if (((start / batch) | 0) % 20 === 19) log(`bulk-loaded ${Math.min(start + batch, services.length)}/${services.length} services (${totals.deployments ?? 0} deployments)`);
    }
    for (const table of [...TABLES, "teams", "environments", "argo_instances", "clusters"]) {
      await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT max(id) FROM "${table}"), 1))`);
    }
    await client.query("ANALYZE");
    // COPY fired the DORA triggers once per statement; rebuilding the rollups in one pass is
    // far cheaper than refreshing every marked service.
    const db = createDb(url);
    try {
      await rebuildDoraRollups(db);
    } finally {
      await db.$disconnect();
    }
    await client.query("ANALYZE dora_daily_rollups; ANALYZE dora_team_daily_rollups; ANALYZE dora_lead_time_samples; ANALYZE dora_restore_samples");
    return totals;
  } finally {
    await client.end();
  }
}

async function readTopology(client: pg.Client): Promise<Topology> {
  const map = async (sql: string) => new Map((await client.query(sql)).rows.map((row) => [row.key as string, row.id as number]));
  const teams = await map(`SELECT slug AS key, id FROM teams`);
  const environments = await map(`SELECT name AS key, id FROM environments`);
  const instances = await map(`SELECT name AS key, id FROM argo_instances`);
  const clusters = await map(`SELECT argo_instance_id || '|' || server AS key, id FROM clusters`);
  const need = (found: number | undefined, what: string) => {
    if (found === undefined) throw new Error(`bulk load: ${what} is not in the seeded topology`);
    return found;
  };
  return {
    teamId: (slug) => need(teams.get(slug), `team ${slug}`),
    environmentId: (name) => need(environments.get(name), `environment ${name}`),
    instanceId: (name) => need(instances.get(name), `Argo CD instance ${name}`),
    clusterId: (instanceId, cluster) => need(clusters.get(`${instanceId}|${cluster.server}`), `cluster ${cluster.server}`),
  };
}

type Row = (string | number | boolean | Date | null | string[] | Record<string, string>)[];

/** Rows per table, in foreign-key order. */
function tableRows(projections: ServiceProjection[]): [string, Row[]][] {
  const all = <T>(pick: (p: ServiceProjection) => Iterable<T>) => projections.flatMap((p) => [...pick(p)]);
  const apps: ApplicationRow[] = all((p) => p.applications.values());
  const deployments = apps.flatMap((app) => [...app.deployments.values()]);
  const releases = all((p) => p.releases.values());
  return [
    ["services (id, name, team_id, repository, tier)", all((p) => p.services.values()).map((s) => [s.id, s.name, s.teamId, s.repository, s.tier])],
    ["commits (id, repository, sha, parent_shas, message, author_name, author_login, committed_at, referenced_sha, ticket_keys, cherry_picked_from, paths)",
      all((p) => p.commits.values()).map((c) => [c.id, c.repository, c.sha, c.parentShas, c.message, c.authorName, c.authorLogin, c.committedAt, c.referencedSha, c.ticketKeys, c.cherryPickedFrom, c.paths])],
    ["pull_requests (id, repository, number, title, author_login, state, head_ref, base_ref, merge_commit_sha, ticket_keys, url, opened_at, merged_at, closed_at)",
      all((p) => p.pullRequests.values()).map((r) => [r.id, r.repository, r.number, r.title, r.authorLogin, r.state, r.headRef, r.baseRef, r.mergeCommitSha, r.ticketKeys, r.url, r.openedAt, r.mergedAt, r.closedAt])],
    ["pull_request_commits (pull_request_id, commit_id)", all((p) => p.pullRequestCommits).map((key) => key.split("|").map(Number))],
    ["builds (id, repository, commit_sha, image, tag, digest, source, built_at)",
      all((p) => p.builds.values()).map((b) => [b.id, b.repository, b.commitSha, b.image, b.tag, b.digest, b.source, b.builtAt])],
    ["releases (id, service_id, version, first_seen_at, commit_sha, image, image_tag, image_digest, commits_complete, base_release_id, commits_incomplete_reason)",
      releases.map((r) => [r.id, r.serviceId, r.version, r.firstSeenAt, r.commitSha, r.image, r.imageTag, r.imageDigest, r.commitsComplete, r.baseReleaseId, r.commitsIncompleteReason])],
    ["release_commits (release_id, commit_id)", releases.flatMap((r) => [...r.commitIds].map((commitId) => [r.id, commitId]))],
    ["applications (id, argo_instance_id, namespace, name, uid, service_id, environment_id, cluster_id, project, repo_url, path, chart, target_revision, destination_namespace, auto_sync, labels, sync_status, health_status, synced_revision, images, current_release_id, current_release_since, last_operation_phase, last_operation_at, observed_at, updated_at)",
      apps.map((a) => {
        const s = a.state;
        return [a.id, a.argoInstanceId, a.namespace, a.name, a.uid, a.serviceId, a.environmentId, a.clusterId, s?.project ?? "default", s?.repoUrl ?? null, s?.path ?? null,
          s?.chart ?? null, s?.targetRevision ?? null, s?.destinationNamespace ?? null, s?.autoSync ?? false, a.labels, s?.syncStatus ?? "UNKNOWN", s?.healthStatus ?? "UNKNOWN",
          s?.syncedRevision ?? null, s?.images ?? [], a.currentReleaseId, a.currentReleaseSince, s?.lastOperationPhase ?? null, s?.lastOperationAt ?? null, s?.observedAt ?? null, new Date()];
      })],
    ["deployments (id, application_id, service_id, team_id, environment_id, cluster_id, release_id, source, operation_key, revision, images, argo_history_id, initiated_by, automated, phase, last_health, last_health_at, observed_at, status, message, started_at, finished_at, healthy_at, degraded_at, is_rollback, rolled_back_by_id, updated_at)",
      deployments.map((d) => [d.id, d.applicationId, d.serviceId, d.teamId, d.environmentId, d.clusterId, d.releaseId, "ARGOCD", d.operationKey, d.revision, d.images, d.argoHistoryId,
        d.initiatedBy, d.automated, d.phase, d.lastHealth, d.lastHealthAt, d.observedAt, d.status, d.message, d.startedAt, d.finishedAt, d.healthyAt, d.degradedAt, d.isRollback, d.rolledBackById, new Date()])],
    ["deployment_events (id, deployment_id, at, kind, detail)",
      deployments.flatMap((d) => [...d.events.values()].map((e) => [e.id, d.id, e.at, e.kind, e.detail]))],
  ];
}

/** COPY text format: tab-separated, \N for NULL, backslash escapes; arrays as {…} literals. */
function encode(value: Row[number]): string {
  if (value === null) return "\\N";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escape(`{${value.map((item) => `"${item.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`);
  if (typeof value === "object") return escape(JSON.stringify(value));
  if (typeof value === "boolean") return value ? "t" : "f";
  return escape(String(value));
}

function escape(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

async function copyRows(client: pg.Client, target: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  async function* lines() {
    for (let index = 0; index < rows.length; index += 2000) {
      yield rows.slice(index, index + 2000).map((row) => `${row.map(encode).join("\t")}\n`).join("");
    }
  }
  await pipeline(Readable.from(lines()), stream);
}
