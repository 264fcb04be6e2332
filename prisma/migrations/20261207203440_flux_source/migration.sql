-- AlterEnum
ALTER TYPE "DeploymentSource" ADD VALUE 'FLUX';

-- AlterEnum
ALTER TYPE "DeliverySource" ADD VALUE 'FLUX';
