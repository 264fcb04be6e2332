-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "rollout_aborted_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "argo_rollouts" (
    "id" SERIAL NOT NULL,
    "argo_instance" TEXT NOT NULL,
    "application" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "health" TEXT,
    "health_message" TEXT,
    "health_observed_at" TIMESTAMPTZ(3),
    "event" TEXT,
    "strategy" TEXT,
    "phase" TEXT,
    "message" TEXT,
    "revision" INTEGER,
    "current_step" INTEGER,
    "total_steps" INTEGER,
    "weight" INTEGER,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "aborted" BOOLEAN NOT NULL DEFAULT false,
    "aborted_at" TIMESTAMPTZ(3),
    "analysis_status" TEXT,
    "analysis_message" TEXT,
    "stable_hash" TEXT,
    "current_hash" TEXT,
    "active_selector" TEXT,
    "preview_selector" TEXT,
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "observed_at" TIMESTAMPTZ(3),
    "observation_key" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "argo_rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "argo_rollouts_state_idx" ON "argo_rollouts"("state");

-- CreateIndex
CREATE UNIQUE INDEX "argo_rollouts_argo_instance_application_namespace_name_key" ON "argo_rollouts"("argo_instance", "application", "namespace", "name");
