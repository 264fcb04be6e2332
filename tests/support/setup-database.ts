// Gives each test file its own migrated database, copied from the run's template, and
// points lib/ (config, getDb) at it.
import { afterAll, inject } from "vitest";
import { closeDb } from "../../lib/db/client";
import { useDatabaseUrl } from "../../lib/env";
import { createDatabase } from "./postgres-admin";

const database = await createDatabase(inject("serverUrl"), { template: inject("templateDatabase") });
useDatabaseUrl(database.url);

afterAll(async () => {
  await closeDb();
  await database.drop();
});
