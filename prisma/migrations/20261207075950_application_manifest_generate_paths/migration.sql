-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "manifest_generate_paths" TEXT;
