-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "commits_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "commits_incomplete_reason" TEXT;

-- CreateTable
CREATE TABLE "github_responses" (
    "url" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "github_responses_pkey" PRIMARY KEY ("url")
);

-- CreateTable
CREATE TABLE "github_redeliveries" (
    "guid" TEXT NOT NULL,
    "hook" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_requested_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "github_redeliveries_pkey" PRIMARY KEY ("guid")
);

-- CreateIndex
CREATE INDEX "github_responses_fetched_at_idx" ON "github_responses"("fetched_at");
