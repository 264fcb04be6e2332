-- AlterEnum
ALTER TYPE "DeliverySource" ADD VALUE 'GITLAB';
