-- AlterTable
ALTER TABLE "rollbacks" ADD COLUMN     "approval_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "request_id" TEXT,
ADD COLUMN     "result_deployment_id" INTEGER,
ADD COLUMN     "state_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Beyond schema.prisma: at most one active rollback per application, enforced by the database
-- (a double click, a retried request or two SREs at once cannot start a second one).
-- lib/rollback/rollback-states.ts lists the same active states.
CREATE UNIQUE INDEX "rollbacks_one_active_per_application" ON "rollbacks" ("application_id")
  WHERE "state" IN ('REQUESTED', 'APPROVED', 'EXECUTING', 'WAITING_FOR_SYNC');
