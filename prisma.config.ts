// Prisma CLI configuration. Shiplog applies migrations itself (lib/db/migrate.ts), but
// `prisma migrate status|deploy` on a connected machine reads the same folder and agrees.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/shiplog" },
});
