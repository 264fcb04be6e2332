-- CreateEnum
CREATE TYPE "PromotionState" AS ENUM ('AWAITING_APPROVAL', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'ABORTED');

-- CreateEnum
CREATE TYPE "PromotionWaveState" AS ENUM ('PENDING', 'RUNNING', 'SOAKING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PromotionApplicationState" AS ENUM ('PENDING', 'EXECUTING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "promotions" (
    "id" SERIAL NOT NULL,
    "service_id" INTEGER NOT NULL,
    "release_id" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "state" "PromotionState" NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "approval_required" BOOLEAN NOT NULL DEFAULT false,
    "idempotency_key" TEXT NOT NULL,
    "request_id" TEXT,
    "selection" JSONB NOT NULL,
    "soak_ms" INTEGER NOT NULL,
    "wave_timeout_ms" INTEGER NOT NULL,
    "auto_rollback" BOOLEAN NOT NULL DEFAULT false,
    "auto_merge" BOOLEAN NOT NULL DEFAULT false,
    "current_wave" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "promotions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promotion_waves" (
    "id" SERIAL NOT NULL,
    "promotion_id" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "region" TEXT,
    "clusters" TEXT[],
    "state" "PromotionWaveState" NOT NULL DEFAULT 'PENDING',
    "started_at" TIMESTAMPTZ(3),
    "healthy_since" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "promotion_waves_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promotion_applications" (
    "id" SERIAL NOT NULL,
    "promotion_id" INTEGER NOT NULL,
    "wave_id" INTEGER NOT NULL,
    "application_id" INTEGER NOT NULL,
    "method" "RollbackMethod" NOT NULL,
    "state" "PromotionApplicationState" NOT NULL DEFAULT 'PENDING',
    "from_release_id" INTEGER,
    "argo_revision" TEXT,
    "argo_operation" TEXT,
    "pull_request_url" TEXT,
    "pull_request_number" INTEGER,
    "error" TEXT,
    "changed_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "rollback_id" INTEGER,

    CONSTRAINT "promotion_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promotion_steps" (
    "id" SERIAL NOT NULL,
    "promotion_id" INTEGER NOT NULL,
    "wave" INTEGER,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "promotion_steps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "promotions_idempotency_key_key" ON "promotions"("idempotency_key");

-- CreateIndex
CREATE INDEX "promotions_state_idx" ON "promotions"("state");

-- CreateIndex
CREATE INDEX "promotions_release_id_idx" ON "promotions"("release_id");

-- CreateIndex
CREATE INDEX "promotions_requested_at_idx" ON "promotions"("requested_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "promotion_waves_promotion_id_index_key" ON "promotion_waves"("promotion_id", "index");

-- CreateIndex
CREATE INDEX "promotion_applications_application_id_idx" ON "promotion_applications"("application_id");

-- CreateIndex
CREATE INDEX "promotion_applications_wave_id_idx" ON "promotion_applications"("wave_id");

-- CreateIndex
CREATE UNIQUE INDEX "promotion_applications_promotion_id_application_id_key" ON "promotion_applications"("promotion_id", "application_id");

-- CreateIndex
CREATE INDEX "promotion_steps_promotion_id_at_idx" ON "promotion_steps"("promotion_id", "at");

-- AddForeignKey
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_waves" ADD CONSTRAINT "promotion_waves_promotion_id_fkey" FOREIGN KEY ("promotion_id") REFERENCES "promotions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_applications" ADD CONSTRAINT "promotion_applications_promotion_id_fkey" FOREIGN KEY ("promotion_id") REFERENCES "promotions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_applications" ADD CONSTRAINT "promotion_applications_wave_id_fkey" FOREIGN KEY ("wave_id") REFERENCES "promotion_waves"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_applications" ADD CONSTRAINT "promotion_applications_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_applications" ADD CONSTRAINT "promotion_applications_rollback_id_fkey" FOREIGN KEY ("rollback_id") REFERENCES "rollbacks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_steps" ADD CONSTRAINT "promotion_steps_promotion_id_fkey" FOREIGN KEY ("promotion_id") REFERENCES "promotions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Beyond schema.prisma: at most one active promotion per service and environment, enforced by the
-- database (20 concurrent requests make one). lib/promotions/promotion-states.ts lists the same states.
CREATE UNIQUE INDEX "promotions_one_active_per_service_environment" ON "promotions" ("service_id", "environment_id")
  WHERE "state" IN ('AWAITING_APPROVAL', 'RUNNING', 'PAUSED');
