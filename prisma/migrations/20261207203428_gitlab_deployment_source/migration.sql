-- AlterEnum
ALTER TYPE "DeploymentSource" ADD VALUE 'GITLAB';
