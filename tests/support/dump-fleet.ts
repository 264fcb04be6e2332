// A canonical dump of a fleet: every projected table with surrogate ids replaced by natural
// keys (service name, application name, operation key, release version, commit SHA) and
// bookkeeping timestamps left out, so two databases filled differently can be compared.
import pg from "pg";

const QUERIES: Record<string, string> = {
  services: `SELECT s.name, t.slug AS team, s.repository, s.paths, s.tier, s.labels FROM services s LEFT JOIN teams t ON t.id = s.team_id`,
  applications: `
    SELECT i.name AS instance, a.namespace, a.name, a.uid, s.name AS service, e.name AS environment, c.server AS cluster,
      a.project, a.repo_url, a.path, a.chart, a.target_revision, a.sources, a.destination_namespace, a.auto_sync, a.labels,
      a.sync_status, a.health_status, a.synced_revision, a.images, r.version AS current_release, a.current_release_since,
      ld.operation_key AS last_deployment, a.last_operation_phase, a.last_operation_at, a.observed_at, a.deleted_at
    FROM applications a JOIN argo_instances i ON i.id = a.argo_instance_id JOIN services s ON s.id = a.service_id
    JOIN environments e ON e.id = a.environment_id JOIN clusters c ON c.id = a.cluster_id
    LEFT JOIN releases r ON r.id = a.current_release_id LEFT JOIN deployments ld ON ld.id = a.last_deployment_id`,
  releases: `
    SELECT s.name AS service, r.version, r.first_seen_at, r.commit_sha, r.image, r.image_tag, r.image_digest, r.commits_complete,
      b.version AS base_release, r.commits_incomplete_reason
    FROM releases r JOIN services s ON s.id = r.service_id LEFT JOIN releases b ON b.id = r.base_release_id`,
  release_commits: `
    SELECT s.name AS service, r.version, c.sha FROM release_commits rc JOIN releases r ON r.id = rc.release_id
    JOIN services s ON s.id = r.service_id JOIN commits c ON c.id = rc.commit_id`,
  commits: `SELECT repository, sha, parent_shas, parents_exact, message, author_name, author_login, committed_at, referenced_sha, ticket_keys, cherry_picked_from, paths FROM commits`,
  pull_requests: `
    SELECT repository, number, title, author_login, state, head_ref, base_ref, merge_commit_sha, ticket_keys, url, opened_at, merged_at, closed_at
    FROM pull_requests`,
  pull_request_commits: `
    SELECT p.repository, p.number, c.sha FROM pull_request_commits pc JOIN pull_requests p ON p.id = pc.pull_request_id
    JOIN commits c ON c.id = pc.commit_id`,
  builds: `SELECT repository, commit_sha, image, tag, digest, source, built_at FROM builds`,
  deployments: `
    SELECT a.name AS application, d.operation_key, s.name AS service, t.slug AS team, e.name AS environment, c.server AS cluster,
      r.version AS release, d.source, d.revision, d.revisions, d.images, d.argo_history_id, d.initiated_by, d.automated, d.phase, d.last_health,
      d.last_health_at, d.observed_at, d.status, d.message, d.started_at, d.finished_at, d.healthy_at, d.degraded_at,
      d.is_rollback, rb.operation_key AS rolled_back_by
    FROM deployments d JOIN applications a ON a.id = d.application_id JOIN services s ON s.id = d.service_id
    LEFT JOIN teams t ON t.id = d.team_id JOIN environments e ON e.id = d.environment_id JOIN clusters c ON c.id = d.cluster_id
    LEFT JOIN releases r ON r.id = d.release_id LEFT JOIN deployments rb ON rb.id = d.rolled_back_by_id`,
  deployment_events: `
    SELECT a.name AS application, d.operation_key, ev.kind, ev.at, ev.detail FROM deployment_events ev
    JOIN deployments d ON d.id = ev.deployment_id JOIN applications a ON a.id = d.application_id`,
};

export function dumpFleet(url: string): Promise<Record<string, string[]>> {
  return dump(url, QUERIES);
}

/** What the applications and deployments triggers keep, with ids replaced by natural keys. */
const SUMMARIES: Record<string, string> = {
  service_environment_states: `
    SELECT s.name AS service, e.name AS environment, st.applications, st.healthy, st.progressing, st.degraded, st.out_of_sync,
      rmin.version AS min_release, rmax.version AS max_release,
      (SELECT array_agg(c.server ORDER BY u.n) FROM unnest(st.cluster_ids) WITH ORDINALITY u(id, n) JOIN clusters c ON c.id = u.id) AS clusters,
      (SELECT array_agg(c.server ORDER BY c.server) FROM clusters c WHERE c.id = ANY(st.degraded_cluster_ids)) AS degraded_clusters,
      (SELECT array_agg(c.server ORDER BY c.server) FROM clusters c WHERE c.id = ANY(st.out_of_sync_cluster_ids)) AS out_of_sync_clusters,
      (SELECT array_agg(r.version ORDER BY u.n) FROM unnest(st.cluster_min_release_ids) WITH ORDINALITY u(id, n) LEFT JOIN releases r ON r.id = u.id) AS cluster_min_releases,
      (SELECT array_agg(r.version ORDER BY u.n) FROM unnest(st.cluster_max_release_ids) WITH ORDINALITY u(id, n) LEFT JOIN releases r ON r.id = u.id) AS cluster_max_releases
    FROM service_environment_states st JOIN services s ON s.id = st.service_id JOIN environments e ON e.id = st.environment_id
    LEFT JOIN releases rmin ON rmin.id = st.min_release_id LEFT JOIN releases rmax ON rmax.id = st.max_release_id`,
  dora_daily_rollups: `
    SELECT r.day, s.name AS service, e.name AS environment, t.slug AS team, r.is_production, r.deployments, r.failures,
      r.lead_count, r.lead_ms, r.restore_count, r.restore_ms
    FROM dora_daily_rollups r JOIN services s ON s.id = r.service_id JOIN environments e ON e.id = r.environment_id
    LEFT JOIN teams t ON t.id = r.team_key`,
};

/**
 * The summaries triggers keep beside the model (the fleet matrix's per service and environment;
 * DORA's daily rollups, as of their last refresh), in the same canonical form.
 */
export function dumpFleetSummaries(url: string): Promise<Record<string, string[]>> {
  return dump(url, SUMMARIES);
}

async function dump(url: string, queries: Record<string, string>): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables: Record<string, string[]> = {};
    for (const [table, sql] of Object.entries(queries)) {
      const { rows } = await client.query<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM (${sql}) x ORDER BY 1`);
      tables[table] = rows.map((row) => row.row);
    }
    return tables;
  } finally {
    await client.end();
  }
}
