-- Monorepos: the files each commit touched (null: not known) and the directories that are a
-- service's code (null: not known, every commit of its repository counts). Nullable, no
-- default: existing rows are "not known", which is what they are.

-- AlterTable
ALTER TABLE "services" ADD COLUMN     "paths" TEXT[];

-- AlterTable
ALTER TABLE "commits" ADD COLUMN     "paths" TEXT[];
