-- CreateTable
CREATE TABLE "dora_lead_time_samples" (
    "deployment_id" INTEGER NOT NULL,
    "commit_id" INTEGER NOT NULL,
    "service_id" INTEGER NOT NULL,
    "team_key" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "lead_ms" BIGINT NOT NULL,

    CONSTRAINT "dora_lead_time_samples_pkey" PRIMARY KEY ("deployment_id","commit_id")
);

-- CreateTable
CREATE TABLE "dora_restore_samples" (
    "failed_deployment_id" INTEGER NOT NULL,
    "service_id" INTEGER NOT NULL,
    "team_key" INTEGER NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "restore_ms" BIGINT NOT NULL,

    CONSTRAINT "dora_restore_samples_pkey" PRIMARY KEY ("failed_deployment_id")
);

-- CreateIndex
CREATE INDEX "dora_lead_time_samples_day_lead_ms_idx" ON "dora_lead_time_samples"("day", "lead_ms");

-- CreateIndex
CREATE INDEX "dora_lead_time_samples_team_key_day_lead_ms_idx" ON "dora_lead_time_samples"("team_key", "day", "lead_ms");

-- CreateIndex
CREATE INDEX "dora_lead_time_samples_service_id_day_lead_ms_idx" ON "dora_lead_time_samples"("service_id", "day", "lead_ms");

-- CreateIndex
CREATE INDEX "dora_restore_samples_day_restore_ms_idx" ON "dora_restore_samples"("day", "restore_ms");

-- CreateIndex
CREATE INDEX "dora_restore_samples_team_key_day_restore_ms_idx" ON "dora_restore_samples"("team_key", "day", "restore_ms");

-- CreateIndex
CREATE INDEX "dora_restore_samples_service_id_day_restore_ms_idx" ON "dora_restore_samples"("service_id", "day", "restore_ms");

-- The samples start empty: mark every service dirty so the refresher (lib/metrics/refresh-dora-rollups.ts)
-- fills them, with the rollups, on its next runs; medians are missing until then.
INSERT INTO "dora_dirty_marks" ("service_id") SELECT "id" FROM "services";
