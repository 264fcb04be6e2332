-- The commit graph keeps every parent (a merge's second parent brings a pull request's commits
-- into a release), whether the parents are GitHub's own, and the ticket keys and cherry-pick
-- origin of each commit's message. Releases point at their base: the nearest earlier release of
-- the service whose commit is an ancestor of theirs (lib/trace/link-release-commits.ts).

-- AlterTable
ALTER TABLE "commits"
ADD COLUMN     "cherry_picked_from" VARCHAR(40),
ADD COLUMN     "parent_shas" VARCHAR(40)[],
ADD COLUMN     "parents_exact" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ticket_keys" TEXT[] DEFAULT ARRAY[]::TEXT[];

UPDATE "commits" SET "parent_shas" = ARRAY["parent_sha"] WHERE "parent_sha" IS NOT NULL;

ALTER TABLE "commits" DROP COLUMN "parent_sha";

-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "base_release_id" INTEGER;

-- CreateIndex
CREATE INDEX "releases_base_release_id_idx" ON "releases"("base_release_id");

-- CreateIndex
CREATE INDEX "releases_image_digest_idx" ON "releases"("image_digest");

-- CreateIndex
CREATE INDEX "commits_ticket_keys_idx" ON "commits" USING GIN ("ticket_keys");

-- CreateIndex
CREATE INDEX "commits_cherry_picked_from_idx" ON "commits"("cherry_picked_from");

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_base_release_id_fkey" FOREIGN KEY ("base_release_id") REFERENCES "releases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Releases recorded before this migration keep first-parent ranges until relinked by ancestry:
-- the first worker to start does it (lib/trace/relink-releases-after-upgrade.ts).
INSERT INTO "settings" ("key", "value", "updated_at")
SELECT 'releases.relinkByAncestry', 'true'::jsonb, now() WHERE EXISTS (SELECT 1 FROM "releases" WHERE "commit_sha" IS NOT NULL);
