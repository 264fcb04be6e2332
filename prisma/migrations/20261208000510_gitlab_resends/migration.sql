-- CreateTable
CREATE TABLE "gitlab_resends" (
    "key" TEXT NOT NULL,
    "hook" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_event_id" BIGINT NOT NULL,
    "last_status" TEXT,
    "last_requested_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gitlab_resends_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "gitlab_resends_last_requested_at_idx" ON "gitlab_resends"("last_requested_at");
