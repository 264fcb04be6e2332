import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects, one command (`npm test` runs both):
//   unit  everything in tests/ but tests/e2e and tests/http: in-process, each file its own database
//   e2e   tests against a real `next start` (browser specs and real HTTP): built if stale, seeded
//         once, started once per run by tests/support/shiplog-server.ts
// Vitest runs a project's globalSetup only when the run includes files of that project, so
// `npx vitest run tests/lib` never builds Next. Both projects share one PostgreSQL
// (tests/support/shared-postgres.ts).
const shared = {
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside Next's server bundles; tests are server code too.
      "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
    },
  },
};

export default defineConfig({
  ...shared,
  test: {
    // Two cores: keep PostgreSQL, the web server and the test workers from starving each other.
    maxWorkers: 2,
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          globalSetup: ["tests/support/shared-postgres.ts"],
          setupFiles: ["tests/support/setup-database.ts"],
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/e2e/**", "tests/http/**"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          env: { NODE_ENV: "test" },
        },
      },
      {
        ...shared,
        test: {
          name: "e2e",
          globalSetup: ["tests/support/shared-postgres.ts", "tests/support/shiplog-server.ts"],
          setupFiles: ["tests/support/use-shiplog-database.ts"],
          include: ["tests/e2e/**/*.spec.ts", "tests/http/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { NODE_ENV: "test" },
        },
      },
    ],
  },
});
