-- Rate limits move onto rate-limiter-flexible's PostgreSQL store (lib/rate-limits): its counters
-- table replaces Better Auth's rate_limits, which nothing reads any more (sign-in's per-address
-- limit is one of the new limits). Counters are throwaway: dropping them resets no more than a
-- minute's window.

-- DropTable
DROP TABLE "rate_limits";

-- CreateTable
CREATE TABLE "rate_limit_counters" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "rate_limit_counters_expire_idx" ON "rate_limit_counters"("expire");
