// Setup file of the e2e project: lib/ (config, getDb) reads the database the running Shiplog
// serves, so a test can ask it what a page should show. Unlike setup-database.ts there is no
// per-file copy: every e2e file sees the one seeded fleet. Webhook tests add deliveries, but no
// worker runs in that server, so the fleet itself stays as seeded.
import { afterAll, inject } from "vitest";
import { closeDb } from "../../lib/db/client";
import { useDatabaseUrl } from "../../lib/env";

useDatabaseUrl(inject("shiplogDatabaseUrl"));

afterAll(async () => {
  await closeDb();
});
