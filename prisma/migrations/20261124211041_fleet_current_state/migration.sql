-- CreateTable
CREATE TABLE "service_environment_states" (
    "service_id" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "applications" INTEGER NOT NULL DEFAULT 0,
    "healthy" INTEGER NOT NULL DEFAULT 0,
    "progressing" INTEGER NOT NULL DEFAULT 0,
    "degraded" INTEGER NOT NULL DEFAULT 0,
    "out_of_sync" INTEGER NOT NULL DEFAULT 0,
    "min_release_id" INTEGER,
    "max_release_id" INTEGER,
    "cluster_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "degraded_cluster_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "out_of_sync_cluster_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "cluster_min_release_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "cluster_max_release_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],

    CONSTRAINT "service_environment_states_pkey" PRIMARY KEY ("service_id","environment_id")
);

-- Kept by statement triggers on applications (transition tables: one recount per statement,
-- also for a bulk COPY of thousands of rows), so the worker, the bulk loader and the rebuild
-- all keep it right without calling anything.
--
-- Concurrency: each touched (service, environment) row is created if missing, then locked in
-- key order before its recount. A transaction changing applications of the same service and
-- environment waits there until the other commits; its recount is a later statement (a new
-- snapshot under READ COMMITTED) and sees that commit, so the last writer leaves the right
-- numbers. Only transactions touching the same service and environment wait on each other.
CREATE FUNCTION refresh_service_environment_states(service_ids integer[], environment_ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO service_environment_states (service_id, environment_id)
  SELECT DISTINCT k.service_id, k.environment_id FROM unnest(service_ids, environment_ids) AS k(service_id, environment_id)
  ORDER BY 1, 2
  ON CONFLICT DO NOTHING;

  PERFORM 1 FROM service_environment_states s
  WHERE (s.service_id, s.environment_id) IN (SELECT k.service_id, k.environment_id FROM unnest(service_ids, environment_ids) AS k(service_id, environment_id))
  ORDER BY s.service_id, s.environment_id
  FOR UPDATE;

  WITH keys AS (
    SELECT DISTINCT k.service_id, k.environment_id FROM unnest(service_ids, environment_ids) AS k(service_id, environment_id)
  ), per_cluster AS (
    SELECT a.service_id, a.environment_id, a.cluster_id,
           count(*) AS applications,
           count(*) FILTER (WHERE a.health_status = 'HEALTHY') AS healthy,
           count(*) FILTER (WHERE a.health_status = 'PROGRESSING') AS progressing,
           count(*) FILTER (WHERE a.health_status = 'DEGRADED') AS degraded,
           count(*) FILTER (WHERE a.sync_status = 'OUT_OF_SYNC') AS out_of_sync,
           min(a.current_release_id) AS min_release_id,
           max(a.current_release_id) AS max_release_id
    FROM keys k
    JOIN applications a ON a.service_id = k.service_id AND a.environment_id = k.environment_id
    WHERE a.deleted_at IS NULL
    GROUP BY a.service_id, a.environment_id, a.cluster_id
  ), per_cell AS (
    SELECT service_id, environment_id,
           sum(applications)::int AS applications,
           sum(healthy)::int AS healthy,
           sum(progressing)::int AS progressing,
           sum(degraded)::int AS degraded,
           sum(out_of_sync)::int AS out_of_sync,
           min(min_release_id) AS min_release_id,
           max(max_release_id) AS max_release_id,
           array_agg(cluster_id ORDER BY cluster_id) AS cluster_ids,
           coalesce(array_agg(cluster_id ORDER BY cluster_id) FILTER (WHERE degraded > 0), '{}') AS degraded_cluster_ids,
           coalesce(array_agg(cluster_id ORDER BY cluster_id) FILTER (WHERE out_of_sync > 0), '{}') AS out_of_sync_cluster_ids,
           array_agg(min_release_id ORDER BY cluster_id) AS cluster_min_release_ids,
           array_agg(max_release_id ORDER BY cluster_id) AS cluster_max_release_ids
    FROM per_cluster
    GROUP BY service_id, environment_id
  )
  UPDATE service_environment_states s SET
    applications = coalesce(p.applications, 0),
    healthy = coalesce(p.healthy, 0),
    progressing = coalesce(p.progressing, 0),
    degraded = coalesce(p.degraded, 0),
    out_of_sync = coalesce(p.out_of_sync, 0),
    min_release_id = p.min_release_id,
    max_release_id = p.max_release_id,
    cluster_ids = coalesce(p.cluster_ids, '{}'),
    degraded_cluster_ids = coalesce(p.degraded_cluster_ids, '{}'),
    out_of_sync_cluster_ids = coalesce(p.out_of_sync_cluster_ids, '{}'),
    cluster_min_release_ids = coalesce(p.cluster_min_release_ids, '{}'),
    cluster_max_release_ids = coalesce(p.cluster_max_release_ids, '{}')
  FROM keys k
  LEFT JOIN per_cell p ON p.service_id = k.service_id AND p.environment_id = k.environment_id
  WHERE s.service_id = k.service_id AND s.environment_id = k.environment_id;
END $$;

CREATE FUNCTION service_environment_states_applications_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  service_ids integer[];
  environment_ids integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(c.service_id), array_agg(c.environment_id) INTO service_ids, environment_ids
    FROM (SELECT DISTINCT service_id, environment_id FROM fleet_new_rows WHERE deleted_at IS NULL) c;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(c.service_id), array_agg(c.environment_id) INTO service_ids, environment_ids
    FROM (SELECT DISTINCT service_id, environment_id FROM fleet_old_rows WHERE deleted_at IS NULL) c;
  ELSE
    -- Only the columns the summary reads; the many updates that merely record an observation
    -- (observed_at, images, last deployment) recount nothing.
    SELECT array_agg(c.service_id), array_agg(c.environment_id) INTO service_ids, environment_ids
    FROM (
      SELECT DISTINCT x.service_id, x.environment_id
      FROM fleet_new_rows n
      JOIN fleet_old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (n.service_id, n.environment_id), (o.service_id, o.environment_id)) AS x(service_id, environment_id)
      WHERE (n.service_id, n.environment_id, n.cluster_id, n.health_status, n.sync_status, n.current_release_id, n.deleted_at IS NULL)
            IS DISTINCT FROM
            (o.service_id, o.environment_id, o.cluster_id, o.health_status, o.sync_status, o.current_release_id, o.deleted_at IS NULL)
    ) c;
  END IF;
  IF service_ids IS NOT NULL THEN
    PERFORM refresh_service_environment_states(service_ids, environment_ids);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER service_environment_states_inserted AFTER INSERT ON applications
  REFERENCING NEW TABLE AS fleet_new_rows FOR EACH STATEMENT EXECUTE FUNCTION service_environment_states_applications_changed();
CREATE TRIGGER service_environment_states_updated AFTER UPDATE ON applications
  REFERENCING OLD TABLE AS fleet_old_rows NEW TABLE AS fleet_new_rows FOR EACH STATEMENT EXECUTE FUNCTION service_environment_states_applications_changed();
CREATE TRIGGER service_environment_states_deleted AFTER DELETE ON applications
  REFERENCING OLD TABLE AS fleet_old_rows FOR EACH STATEMENT EXECUTE FUNCTION service_environment_states_applications_changed();

-- The projection rebuild empties applications with TRUNCATE, which fires no row changes.
CREATE FUNCTION service_environment_states_applications_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE service_environment_states;
  RETURN NULL;
END $$;

CREATE TRIGGER service_environment_states_truncated AFTER TRUNCATE ON applications
  FOR EACH STATEMENT EXECUTE FUNCTION service_environment_states_applications_truncated();

-- Backfill: every (service, environment) with a live application.
SELECT refresh_service_environment_states(array_agg(k.service_id), array_agg(k.environment_id))
FROM (SELECT DISTINCT service_id, environment_id FROM applications WHERE deleted_at IS NULL) k
HAVING count(*) > 0;
