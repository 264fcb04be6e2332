-- CreateTable
CREATE TABLE "dora_daily_rollups" (
    "day" DATE NOT NULL,
    "service_id" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "team_key" INTEGER NOT NULL,
    "is_production" BOOLEAN NOT NULL,
    "deployments" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "lead_count" INTEGER NOT NULL,
    "lead_ms" BIGINT NOT NULL,
    "restore_count" INTEGER NOT NULL,
    "restore_ms" BIGINT NOT NULL,

    CONSTRAINT "dora_daily_rollups_pkey" PRIMARY KEY ("service_id","day","environment_id","team_key")
);

-- CreateTable
CREATE TABLE "dora_team_daily_rollups" (
    "day" DATE NOT NULL,
    "team_key" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "is_production" BOOLEAN NOT NULL,
    "deployments" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "lead_count" INTEGER NOT NULL,
    "lead_ms" BIGINT NOT NULL,
    "restore_count" INTEGER NOT NULL,
    "restore_ms" BIGINT NOT NULL,

    CONSTRAINT "dora_team_daily_rollups_pkey" PRIMARY KEY ("team_key","day","environment_id")
);

-- CreateTable
CREATE TABLE "dora_dirty_marks" (
    "id" BIGSERIAL NOT NULL,
    "service_id" INTEGER NOT NULL,
    "marked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dora_dirty_marks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dora_daily_rollups_day_idx" ON "dora_daily_rollups"("day");

-- CreateIndex
CREATE INDEX "dora_team_daily_rollups_day_idx" ON "dora_team_daily_rollups"("day");

-- Dirty marks for the DORA rollups (lib/metrics/refresh-dora-rollups.ts). Statement-level
-- triggers with transition tables: one INSERT per statement, also for a bulk COPY, and never a
-- lock another ingest transaction could wait on.
CREATE FUNCTION dora_mark_services_dirty(service_ids integer[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO dora_dirty_marks (service_id)
  SELECT DISTINCT id FROM unnest(service_ids) AS id WHERE id IS NOT NULL;
$$;

CREATE FUNCTION dora_deployments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dora_mark_services_dirty(ARRAY(SELECT DISTINCT service_id FROM dora_new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM dora_mark_services_dirty(ARRAY(SELECT DISTINCT service_id FROM dora_old_rows));
  ELSE
    -- Only the columns DORA reads; the many updates that merely record an observation mark nothing.
    PERFORM dora_mark_services_dirty(ARRAY(
      SELECT unnest(ARRAY[n.service_id, o.service_id])
      FROM dora_new_rows n JOIN dora_old_rows o ON o.id = n.id
      WHERE (n.service_id, n.team_id, n.environment_id, n.application_id, n.release_id, n.phase, n.status,
             n.started_at, n.finished_at, n.healthy_at, n.degraded_at)
            IS DISTINCT FROM
            (o.service_id, o.team_id, o.environment_id, o.application_id, o.release_id, o.phase, o.status,
             o.started_at, o.finished_at, o.healthy_at, o.degraded_at)));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER dora_deployments_inserted AFTER INSERT ON deployments
  REFERENCING NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployments_changed();
CREATE TRIGGER dora_deployments_updated AFTER UPDATE ON deployments
  REFERENCING OLD TABLE AS dora_old_rows NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployments_changed();
CREATE TRIGGER dora_deployments_deleted AFTER DELETE ON deployments
  REFERENCING OLD TABLE AS dora_old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployments_changed();

-- A release's commits decide its lead time.
CREATE FUNCTION dora_release_commits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dora_mark_services_dirty(ARRAY(SELECT DISTINCT r.service_id FROM releases r WHERE r.id IN (SELECT release_id FROM dora_new_rows)));
  ELSE
    PERFORM dora_mark_services_dirty(ARRAY(SELECT DISTINCT r.service_id FROM releases r WHERE r.id IN (SELECT release_id FROM dora_old_rows)));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER dora_release_commits_inserted AFTER INSERT ON release_commits
  REFERENCING NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_release_commits_changed();
CREATE TRIGGER dora_release_commits_deleted AFTER DELETE ON release_commits
  REFERENCING OLD TABLE AS dora_old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_release_commits_changed();

-- A pull request's merge time can be where lead time starts.
CREATE FUNCTION dora_pull_requests_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dora_mark_services_dirty(ARRAY(
    SELECT r.service_id
    FROM dora_new_rows pr
    JOIN pull_request_commits prc ON prc.pull_request_id = pr.id
    JOIN release_commits rc ON rc.commit_id = prc.commit_id
    JOIN releases r ON r.id = rc.release_id
    WHERE pr.merged_at IS NOT NULL
    UNION
    SELECT r.service_id
    FROM dora_new_rows pr
    JOIN commits c ON c.sha = pr.merge_commit_sha AND c.repository = pr.repository
    JOIN release_commits rc ON rc.commit_id = c.id
    JOIN releases r ON r.id = rc.release_id
    WHERE pr.merged_at IS NOT NULL));
  RETURN NULL;
END $$;

CREATE TRIGGER dora_pull_requests_inserted AFTER INSERT ON pull_requests
  REFERENCING NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_pull_requests_changed();
CREATE TRIGGER dora_pull_requests_updated AFTER UPDATE ON pull_requests
  REFERENCING NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_pull_requests_changed();

CREATE FUNCTION dora_pull_request_commits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dora_mark_services_dirty(ARRAY(
    SELECT r.service_id
    FROM dora_new_rows prc
    JOIN pull_requests pr ON pr.id = prc.pull_request_id AND pr.merged_at IS NOT NULL
    JOIN release_commits rc ON rc.commit_id = prc.commit_id
    JOIN releases r ON r.id = rc.release_id));
  RETURN NULL;
END $$;

CREATE TRIGGER dora_pull_request_commits_inserted AFTER INSERT ON pull_request_commits
  REFERENCING NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_pull_request_commits_changed();

-- Which environments are production decides everything DORA counts.
CREATE FUNCTION dora_environments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dora_mark_services_dirty(ARRAY(
    SELECT DISTINCT a.service_id
    FROM dora_new_rows n JOIN dora_old_rows o ON o.id = n.id
    JOIN applications a ON a.environment_id = n.id
    WHERE (n.is_production, n.name) IS DISTINCT FROM (o.is_production, o.name)));
  RETURN NULL;
END $$;

CREATE TRIGGER dora_environments_updated AFTER UPDATE ON environments
  REFERENCING OLD TABLE AS dora_old_rows NEW TABLE AS dora_new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_environments_changed();
