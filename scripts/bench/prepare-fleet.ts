// The bench fleet: generated once per size into a template database (migrated, bulk-loaded with
// COPY, DORA rollups rebuilt), then copied with CREATE DATABASE … TEMPLATE for every run, so each
// run starts from the same rows and a 2,000,000-deployment fleet is generated only once.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { bulkLoadDemoFleet } from "../../prisma/demo-fleet/bulk-load-demo-fleet";
import { cadenceForDeployments } from "../../prisma/demo-fleet/cadence-for-deployments";
import { seedTopology } from "../../prisma/demo-fleet/seed-demo-fleet";
import type { BenchSize } from "./scenario";

/** What the template holds, kept as the database's comment; absent while it is being generated. */
type TemplateStamp = { services: number; applications: number; deployments: number; generatedAt: string; seconds: number };

export type PreparedFleet = {
  /** The run's own copy of the template. */
  url: string;
  database: string;
  template: string;
  /** Rows actually in the template (the generator reaches the asked deployments within a few per cent). */
  counts: { services: number; applications: number; deployments: number };
  /** Seconds spent generating the template in this run (0 when it was reused). */
  generationSeconds: number;
  drop: () => Promise<void>;
};

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function templateName(size: BenchSize): string {
  return size.name === "custom"
    ? `shiplog_bench_tpl_${size.services}_${size.applications}_${size.deployments}`
    : `shiplog_bench_tpl_${size.name}`;
}

export async function prepareFleet(
  serverUrl: string,
  size: BenchSize,
  options: {
    fresh: boolean;
    log: (line: string) => void;
    /** Drop run databases left by bench processes that no longer exist (only on the bench's own server). */
    dropAbandonedRuns?: boolean;
  },
): Promise<PreparedFleet> {
  const { log } = options;
  const template = templateName(size);
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await admin.connect();
  let generationSeconds = 0;
  let stamp: TemplateStamp | undefined;
  try {
    // Two bench runs on one server (a developer's and the test's) take turns: one generates the
    // template, the other then finds it stamped; neither copies it while it is being written.
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [template]);
    stamp = options.fresh ? undefined : await readStamp(admin, template);
    if (stamp) {
      log(`reusing the ${size.name} fleet in ${template} (generated ${stamp.generatedAt} in ${stamp.seconds.toFixed(0)} s); --fresh regenerates it`);
      // A template made before the latest migrations gets them now, so the copy matches the code.
      const { applied } = await migrate(withDatabase(serverUrl, template), { log });
      if (applied.length > 0) {
        log(`applied ${applied.length} newer migration(s) to the template: ${applied.join(", ")}`);
        await analyze(withDatabase(serverUrl, template));
      }
    } else {
      const started = performance.now();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(template)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(template)}`);
      const counts = await generateFleet(withDatabase(serverUrl, template), size, log);
      generationSeconds = (performance.now() - started) / 1000;
      stamp = { ...counts, generatedAt: new Date().toISOString(), seconds: generationSeconds };
      // Written last: an interrupted generation leaves no stamp, and the next run starts over.
      await admin.query(`COMMENT ON DATABASE ${admin.escapeIdentifier(template)} IS ${admin.escapeLiteral(JSON.stringify(stamp))}`);
      log(`generated the ${size.name} fleet (${counts.services} services, ${counts.applications} applications, ${counts.deployments} deployments) in ${generationSeconds.toFixed(1)} s`);
    }

    if (options.dropAbandonedRuns) await dropAbandonedRuns(admin, log);
    const database = `shiplog_bench_run_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${process.pid}`;
    const copyStarted = performance.now();
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)} TEMPLATE ${admin.escapeIdentifier(template)}`);
    // The copy carries the template's planner statistics along with its rows.
    log(`copied ${template} into ${database} in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
    return {
      url: withDatabase(serverUrl, database),
      database,
      template,
      counts: { services: stamp.services, applications: stamp.applications, deployments: stamp.deployments },
      generationSeconds,
      drop: async () => {
        const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    };
  } finally {
    // Closing the session releases the advisory lock.
    await admin.end();
  }
}

/**
 * A run interrupted hard (Ctrl-C stops the embedded server before the copy can be dropped) leaves
 * its database behind, gigabytes at full size; its name ends with the pid of the run.
 */
async function dropAbandonedRuns(admin: pg.Client, log: (line: string) => void): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'shiplog\\_bench\\_run\\_%'");
  for (const { datname } of rows) {
    const pid = Number(/_(\d+)$/.exec(datname)?.[1]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(datname)} WITH (FORCE)`);
    log(`dropped ${datname}, left by an interrupted run`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readStamp(admin: pg.Client, template: string): Promise<TemplateStamp | undefined> {
  const { rows } = await admin.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [template],
  );
  const comment = rows[0]?.comment;
  if (!comment) return undefined;
  try {
    return JSON.parse(comment) as TemplateStamp;
  } catch {
    return undefined;
  }
}

/** Migrates an empty database and bulk-loads the fleet into it (the path of `npm run seed -- --bulk`). */
async function generateFleet(url: string, size: BenchSize, log: (line: string) => void): Promise<PreparedFleet["counts"]> {
  await migrate(url, { log });
  const applicationsPerService = Math.max(1, Math.round(size.applications / size.services));
  const now = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const cadence = cadenceForDeployments(size.deployments, { services: size.services, applicationsPerService, now });
  log(`generating ${size.services} services × ${applicationsPerService} applications at cadence ${cadence.toFixed(2)} for about ${size.deployments} deployments…`);
  const db = createDb(url);
  try {
    await seedTopology(db);
  } finally {
    await db.$disconnect();
  }
  await bulkLoadDemoFleet(url, { services: size.services, now, cadence, applicationsPerService, log });
  return countFleet(url);
}

async function countFleet(url: string): Promise<PreparedFleet["counts"]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ services: number; applications: number; deployments: number }>(
      `SELECT (SELECT count(*) FROM services)::int AS services, (SELECT count(*) FROM applications)::int AS applications,
              (SELECT count(*) FROM deployments)::int AS deployments`,
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}
