-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('SYNCED', 'OUT_OF_SYNC', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('HEALTHY', 'PROGRESSING', 'DEGRADED', 'SUSPENDED', 'MISSING', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "OperationPhase" AS ENUM ('RUNNING', 'TERMINATING', 'SUCCEEDED', 'FAILED', 'ERROR');

-- CreateEnum
CREATE TYPE "PullRequestState" AS ENUM ('OPEN', 'CLOSED', 'MERGED');

-- CreateEnum
CREATE TYPE "BuildSource" AS ENUM ('BUILD_REPORT', 'GITHUB_PACKAGE', 'GITHUB_WORKFLOW');

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED', 'DEGRADED', 'ROLLED_BACK');

-- CreateEnum
CREATE TYPE "DeploymentSource" AS ENUM ('ARGOCD', 'GITHUB');

-- CreateEnum
CREATE TYPE "RollbackMethod" AS ENUM ('ARGOCD', 'GITOPS');

-- CreateEnum
CREATE TYPE "RollbackState" AS ENUM ('REQUESTED', 'APPROVED', 'EXECUTING', 'WAITING_FOR_SYNC', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "DeliverySource" AS ENUM ('ARGOCD', 'GITHUB', 'BUILD');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'PROCESSED', 'IGNORED', 'FAILED', 'QUARANTINED');

-- CreateTable
CREATE TABLE "teams" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "services" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "team_id" INTEGER,
    "repository" TEXT,
    "tier" INTEGER NOT NULL DEFAULT 2,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "services_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environments" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "rank" INTEGER NOT NULL DEFAULT 100,
    "is_production" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "argo_instances" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "argo_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "id" SERIAL NOT NULL,
    "argo_instance_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "region" TEXT,
    "provider" TEXT,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applications" (
    "id" SERIAL NOT NULL,
    "argo_instance_id" INTEGER NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uid" TEXT,
    "service_id" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "project" TEXT NOT NULL DEFAULT 'default',
    "repo_url" TEXT,
    "path" TEXT,
    "chart" TEXT,
    "target_revision" TEXT,
    "destination_namespace" TEXT,
    "auto_sync" BOOLEAN NOT NULL DEFAULT false,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "sync_status" "SyncStatus" NOT NULL DEFAULT 'UNKNOWN',
    "health_status" "HealthStatus" NOT NULL DEFAULT 'UNKNOWN',
    "synced_revision" TEXT,
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "current_release_id" INTEGER,
    "current_release_since" TIMESTAMPTZ(3),
    "last_deployment_id" INTEGER,
    "last_operation_phase" "OperationPhase",
    "last_operation_at" TIMESTAMPTZ(3),
    "observed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "releases" (
    "id" SERIAL NOT NULL,
    "service_id" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "commit_sha" TEXT,
    "image" TEXT,
    "image_tag" TEXT,
    "image_digest" TEXT,
    "commits_complete" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "releases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commits" (
    "id" SERIAL NOT NULL,
    "repository" TEXT NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "parent_sha" VARCHAR(40),
    "message" TEXT NOT NULL,
    "author_name" TEXT,
    "author_login" TEXT,
    "committed_at" TIMESTAMPTZ(3) NOT NULL,
    "referenced_sha" VARCHAR(40),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pull_requests" (
    "id" SERIAL NOT NULL,
    "repository" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "author_login" TEXT,
    "state" "PullRequestState" NOT NULL,
    "head_ref" TEXT,
    "base_ref" TEXT,
    "merge_commit_sha" VARCHAR(40),
    "ticket_keys" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "url" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "merged_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "pull_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pull_request_commits" (
    "pull_request_id" INTEGER NOT NULL,
    "commit_id" INTEGER NOT NULL,

    CONSTRAINT "pull_request_commits_pkey" PRIMARY KEY ("pull_request_id","commit_id")
);

-- CreateTable
CREATE TABLE "release_commits" (
    "release_id" INTEGER NOT NULL,
    "commit_id" INTEGER NOT NULL,

    CONSTRAINT "release_commits_pkey" PRIMARY KEY ("release_id","commit_id")
);

-- CreateTable
CREATE TABLE "builds" (
    "id" SERIAL NOT NULL,
    "repository" TEXT NOT NULL,
    "commit_sha" VARCHAR(40) NOT NULL,
    "image" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT,
    "source" "BuildSource" NOT NULL,
    "built_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "builds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" SERIAL NOT NULL,
    "application_id" INTEGER NOT NULL,
    "service_id" INTEGER NOT NULL,
    "team_id" INTEGER,
    "environment_id" INTEGER NOT NULL,
    "cluster_id" INTEGER NOT NULL,
    "release_id" INTEGER,
    "source" "DeploymentSource" NOT NULL DEFAULT 'ARGOCD',
    "operation_key" TEXT NOT NULL,
    "revision" TEXT,
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "argo_history_id" INTEGER,
    "initiated_by" TEXT,
    "automated" BOOLEAN NOT NULL DEFAULT false,
    "phase" "OperationPhase" NOT NULL DEFAULT 'RUNNING',
    "last_health" "HealthStatus",
    "last_health_at" TIMESTAMPTZ(3),
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "DeploymentStatus" NOT NULL DEFAULT 'RUNNING',
    "message" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "healthy_at" TIMESTAMPTZ(3),
    "degraded_at" TIMESTAMPTZ(3),
    "is_rollback" BOOLEAN NOT NULL DEFAULT false,
    "rolled_back_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment_events" (
    "id" SERIAL NOT NULL,
    "deployment_id" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT,

    CONSTRAINT "deployment_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollbacks" (
    "id" SERIAL NOT NULL,
    "group_id" TEXT,
    "wave" INTEGER NOT NULL DEFAULT 0,
    "application_id" INTEGER NOT NULL,
    "from_release_id" INTEGER,
    "to_release_id" INTEGER NOT NULL,
    "from_deployment_id" INTEGER,
    "method" "RollbackMethod" NOT NULL,
    "state" "RollbackState" NOT NULL DEFAULT 'REQUESTED',
    "reason" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "argo_history_id" INTEGER,
    "pull_request_url" TEXT,
    "error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollbacks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollback_transitions" (
    "id" SERIAL NOT NULL,
    "rollback_id" INTEGER NOT NULL,
    "from_state" "RollbackState",
    "to_state" "RollbackState" NOT NULL,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollback_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "source" "DeliverySource" NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "ordering_key" TEXT,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "body" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "reason" TEXT,
    "request_id" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "teams_slug_key" ON "teams"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "services_name_key" ON "services"("name");

-- CreateIndex
CREATE INDEX "services_team_id_idx" ON "services"("team_id");

-- CreateIndex
CREATE INDEX "services_repository_idx" ON "services"("repository");

-- CreateIndex
CREATE UNIQUE INDEX "environments_name_key" ON "environments"("name");

-- CreateIndex
CREATE UNIQUE INDEX "argo_instances_name_key" ON "argo_instances"("name");

-- CreateIndex
CREATE INDEX "clusters_region_idx" ON "clusters"("region");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_argo_instance_id_server_key" ON "clusters"("argo_instance_id", "server");

-- CreateIndex
CREATE UNIQUE INDEX "applications_last_deployment_id_key" ON "applications"("last_deployment_id");

-- CreateIndex
CREATE INDEX "applications_service_id_environment_id_idx" ON "applications"("service_id", "environment_id");

-- CreateIndex
CREATE INDEX "applications_environment_id_cluster_id_idx" ON "applications"("environment_id", "cluster_id");

-- CreateIndex
CREATE INDEX "applications_cluster_id_idx" ON "applications"("cluster_id");

-- CreateIndex
CREATE INDEX "applications_health_status_idx" ON "applications"("health_status");

-- CreateIndex
CREATE INDEX "applications_sync_status_idx" ON "applications"("sync_status");

-- CreateIndex
CREATE INDEX "applications_current_release_id_idx" ON "applications"("current_release_id");

-- CreateIndex
CREATE UNIQUE INDEX "applications_argo_instance_id_namespace_name_key" ON "applications"("argo_instance_id", "namespace", "name");

-- CreateIndex
CREATE INDEX "releases_service_id_first_seen_at_idx" ON "releases"("service_id", "first_seen_at" DESC);

-- CreateIndex
CREATE INDEX "releases_commit_sha_idx" ON "releases"("commit_sha");

-- CreateIndex
CREATE UNIQUE INDEX "releases_service_id_version_key" ON "releases"("service_id", "version");

-- CreateIndex
CREATE INDEX "commits_sha_idx" ON "commits"("sha");

-- CreateIndex
CREATE INDEX "commits_referenced_sha_idx" ON "commits"("referenced_sha");

-- CreateIndex
CREATE UNIQUE INDEX "commits_repository_sha_key" ON "commits"("repository", "sha");

-- CreateIndex
CREATE INDEX "pull_requests_merge_commit_sha_idx" ON "pull_requests"("merge_commit_sha");

-- CreateIndex
CREATE INDEX "pull_requests_ticket_keys_idx" ON "pull_requests" USING GIN ("ticket_keys");

-- CreateIndex
CREATE UNIQUE INDEX "pull_requests_repository_number_key" ON "pull_requests"("repository", "number");

-- CreateIndex
CREATE INDEX "pull_request_commits_commit_id_idx" ON "pull_request_commits"("commit_id");

-- CreateIndex
CREATE INDEX "release_commits_commit_id_idx" ON "release_commits"("commit_id");

-- CreateIndex
CREATE INDEX "builds_commit_sha_idx" ON "builds"("commit_sha");

-- CreateIndex
CREATE INDEX "builds_digest_idx" ON "builds"("digest");

-- CreateIndex
CREATE UNIQUE INDEX "builds_image_tag_key" ON "builds"("image", "tag");

-- CreateIndex
CREATE INDEX "deployments_started_at_id_idx" ON "deployments"("started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "deployments_application_id_started_at_idx" ON "deployments"("application_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "deployments_service_id_started_at_id_idx" ON "deployments"("service_id", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "deployments_team_id_started_at_id_idx" ON "deployments"("team_id", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "deployments_environment_id_started_at_id_idx" ON "deployments"("environment_id", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "deployments_cluster_id_started_at_id_idx" ON "deployments"("cluster_id", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "deployments_status_started_at_id_idx" ON "deployments"("status", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "deployments_release_id_idx" ON "deployments"("release_id");

-- CreateIndex
CREATE UNIQUE INDEX "deployments_application_id_operation_key_key" ON "deployments"("application_id", "operation_key");

-- CreateIndex
CREATE UNIQUE INDEX "deployment_events_deployment_id_kind_at_key" ON "deployment_events"("deployment_id", "kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "rollbacks_idempotency_key_key" ON "rollbacks"("idempotency_key");

-- CreateIndex
CREATE INDEX "rollbacks_application_id_requested_at_idx" ON "rollbacks"("application_id", "requested_at" DESC);

-- CreateIndex
CREATE INDEX "rollbacks_group_id_idx" ON "rollbacks"("group_id");

-- CreateIndex
CREATE INDEX "rollbacks_state_idx" ON "rollbacks"("state");

-- CreateIndex
CREATE INDEX "rollback_transitions_rollback_id_at_idx" ON "rollback_transitions"("rollback_id", "at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_source_received_at_idx" ON "webhook_deliveries"("source", "received_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_source_delivery_id_key" ON "webhook_deliveries"("source", "delivery_id");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_actor_at_idx" ON "audit_events"("actor", "at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_idx" ON "audit_events"("target_type", "target_id");

-- AddForeignKey
ALTER TABLE "services" ADD CONSTRAINT "services_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_argo_instance_id_fkey" FOREIGN KEY ("argo_instance_id") REFERENCES "argo_instances"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_argo_instance_id_fkey" FOREIGN KEY ("argo_instance_id") REFERENCES "argo_instances"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_current_release_id_fkey" FOREIGN KEY ("current_release_id") REFERENCES "releases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_last_deployment_id_fkey" FOREIGN KEY ("last_deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pull_request_commits" ADD CONSTRAINT "pull_request_commits_pull_request_id_fkey" FOREIGN KEY ("pull_request_id") REFERENCES "pull_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pull_request_commits" ADD CONSTRAINT "pull_request_commits_commit_id_fkey" FOREIGN KEY ("commit_id") REFERENCES "commits"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_commits" ADD CONSTRAINT "release_commits_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_commits" ADD CONSTRAINT "release_commits_commit_id_fkey" FOREIGN KEY ("commit_id") REFERENCES "commits"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment_events" ADD CONSTRAINT "deployment_events_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollbacks" ADD CONSTRAINT "rollbacks_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollbacks" ADD CONSTRAINT "rollbacks_from_release_id_fkey" FOREIGN KEY ("from_release_id") REFERENCES "releases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollbacks" ADD CONSTRAINT "rollbacks_to_release_id_fkey" FOREIGN KEY ("to_release_id") REFERENCES "releases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollbacks" ADD CONSTRAINT "rollbacks_from_deployment_id_fkey" FOREIGN KEY ("from_deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollback_transitions" ADD CONSTRAINT "rollback_transitions_rollback_id_fkey" FOREIGN KEY ("rollback_id") REFERENCES "rollbacks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- =============================================================================================
-- Beyond schema.prisma. Everything above is exactly what `prisma migrate dev` generates for
-- prisma/schema.prisma; what follows is what Prisma's schema language cannot express. Each
-- object here is listed in the allowlist of tests/lib/db/schema-drift.test.ts.
-- =============================================================================================

-- audit_events is append-only: a recorded privileged action cannot be edited or removed, so a
-- bug or a careless query cannot rewrite the record. The error keeps the default SQLSTATE
-- (P0001) so that Prisma passes the message through instead of reporting a relation violation.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING HINT = 'Record a new audit event instead of changing or removing an existing one.';
END;
$$;

CREATE TRIGGER "audit_events_append_only"
    BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

-- Row triggers do not fire for TRUNCATE, which would empty the table in one statement.
CREATE TRIGGER "audit_events_no_truncate"
    BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
