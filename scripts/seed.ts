// `npm run seed -- --services 500 [--lanes 3] [--force]`: loads the demo fleet into DATABASE_URL
// (migrating first). Refuses a database that already holds a fleet unless --force.
import { parseArgs } from "node:util";
import { seedDemoFleet, isFleetEmpty } from "../prisma/demo-fleet/seed-demo-fleet";
import { closeDb, getDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { databaseUrl } from "../lib/env";
import { StartupError } from "../lib/startup-error";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "500" },
    lanes: { type: "string", default: "3" },
    force: { type: "boolean", default: false },
  },
});

async function main() {
  const services = Number.parseInt(values.services, 10);
  if (!Number.isInteger(services) || services < 1) throw new StartupError(`--services must be a positive whole number (got ${values.services})`);
  await migrate(databaseUrl());
  const db = getDb();
  if (!values.force && !(await isFleetEmpty(db))) {
    throw new StartupError("The database already holds a fleet; pass --force to add the demo anyway, or point DATABASE_URL at an empty database.");
  }
  const summary = await seedDemoFleet(db, { services, lanes: Number.parseInt(values.lanes, 10), log: console.log });
  console.log(JSON.stringify(summary));
}

main()
  .catch((error) => {
    console.error(error instanceof StartupError ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
