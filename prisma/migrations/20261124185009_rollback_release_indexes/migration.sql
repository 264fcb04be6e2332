-- CreateIndex
CREATE INDEX "rollbacks_from_release_id_idx" ON "rollbacks"("from_release_id");

-- CreateIndex
CREATE INDEX "rollbacks_to_release_id_idx" ON "rollbacks"("to_release_id");
