// `npm run seed -- [--services 500] [--applications N] [--deployments N] [--bulk] [--force]`
// Loads the demo fleet into DATABASE_URL (migrating first). Up to 1,000 services it drives the
// domain functions, as `npm start` does; larger fleets (or --bulk) use the COPY bulk path.
// --applications spreads services over more clusters; --deployments scales release cadence to
// reach that many deployments (within a few per cent). Refuses a database that already holds a fleet unless --force.
import { parseArgs } from "node:util";
import { bulkLoadDemoFleet } from "../prisma/demo-fleet/bulk-load-demo-fleet";
import { cadenceForDeployments } from "../prisma/demo-fleet/cadence-for-deployments";
import { isFleetEmpty, seedDemoFleet, seedTopology } from "../prisma/demo-fleet/seed-demo-fleet";
import { closeDb, getDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { databaseUrl } from "../lib/env";
import { StartupError } from "../lib/startup-error";

const { values } = parseArgs({
  options: {
    services: { type: "string", default: "500" },
    applications: { type: "string" },
    deployments: { type: "string" },
    lanes: { type: "string", default: "6" },
    bulk: { type: "boolean", default: false },
    force: { type: "boolean", default: false },
  },
});

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 1 || String(value) !== raw.trim()) {
    throw new StartupError(`--${name} must be a positive whole number (got ${raw})`);
  }
  return value;
}

async function main() {
  const services = positive("services", values.services)!;
  const applications = positive("applications", values.applications);
  const deployments = positive("deployments", values.deployments);
  const applicationsPerService = applications === undefined ? undefined : Math.max(1, Math.round(applications / services));
  const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const cadence = deployments === undefined ? undefined : cadenceForDeployments(deployments, { services, applicationsPerService, now });

  const url = databaseUrl();
  await migrate(url);
  const db = getDb();
  if (!values.force && !(await isFleetEmpty(db))) {
    throw new StartupError("The database already holds a fleet; pass --force to add the demo anyway, or point DATABASE_URL at an empty database.");
  }
  const started = Date.now();
  if (values.bulk || services > 1000) {
    await seedTopology(db);
    const totals = await bulkLoadDemoFleet(url, { services, now, cadence, applicationsPerService, log: console.log });
    console.log(JSON.stringify({ path: "bulk", ...totals, seconds: (Date.now() - started) / 1000 }));
  } else {
    const summary = await seedDemoFleet(db, { services, now, cadence, applicationsPerService, lanes: positive("lanes", values.lanes), log: console.log });
    console.log(JSON.stringify({ path: "domain", ...summary }));
  }
}

main()
  .catch((error) => {
    console.error(error instanceof StartupError ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
