-- CreateIndex
CREATE INDEX "deployments_initiated_by_started_at_id_idx" ON "deployments"("initiated_by", "started_at" DESC, "id" DESC);
