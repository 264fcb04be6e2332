-- AlterEnum
ALTER TYPE "DeploymentSource" ADD VALUE 'DEPLOYER';

-- AlterEnum
ALTER TYPE "DeliverySource" ADD VALUE 'DEPLOYER';

-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "sources" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN     "revisions" TEXT[] DEFAULT ARRAY[]::TEXT[];
