// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy` does, so either
// can run against the same database: the same `_prisma_migrations` rows and checksums, and
// the same advisory lock, which keeps two starting instances from migrating at once.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { StartupError } from "../startup-error";

/** Prisma Migrate's advisory lock key; sharing it excludes `prisma migrate deploy` too. */
const MIGRATE_LOCK_KEY = 72707369;

// Resolved from the working directory: Next bundles server code away from its source folder.
export const defaultMigrationsDir = path.resolve(process.cwd(), "prisma/migrations");

export type Migration = { name: string; sql: string; checksum: string };
export type MigrateResult = { applied: string[]; alreadyApplied: string[] };

export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  let entries;
  try {
    // turbopackIgnore: the folder is read at run time; without it Next traces the whole project.
    entries = await readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new StartupError(`The migrations folder ${dir} does not exist. Run Shiplog from its project folder.`);
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, "migration.sql");
      let sql: string;
      try {
        sql = await readFile(/* turbopackIgnore: true */ file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        throw new StartupError(`Migration folder ${name} has no migration.sql (expected ${file}).`);
      }
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

type AppliedRow = { migration_name: string; checksum: string; finished_at: Date | null };

/**
 * Applies every pending migration, each in its own transaction with its bookkeeping row,
 * so a failing migration leaves nothing of itself behind.
 */
export async function migrate(
  url: string,
  options: { migrationsDir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrations(options.migrationsDir);
  const client = await connect(url);
  try {
    // Another instance migrating holds the lock until it is done; say why start-up pauses.
    const { rows: locked } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      MIGRATE_LOCK_KEY,
    ]);
    if (!locked[0]?.locked) {
      log("waiting for another instance to finish migrating");
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
    }
    try {
      await client.query(CREATE_BOOKKEEPING);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const unfinished = rows.find((row) => row.finished_at === null);
      if (unfinished) {
        throw new StartupError(
          `Migration ${unfinished.migration_name} is recorded as started but not finished (a failed \`prisma migrate deploy\`?), ` +
            "so Shiplog will not apply more migrations on top of it. Undo or complete what it changed, then mark it with " +
            `\`prisma migrate resolve --rolled-back ${unfinished.migration_name}\` (or \`--applied\`), or in SQL: ` +
            `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${unfinished.migration_name}' AND finished_at IS NULL;`,
          "DATABASE_URL",
        );
      }
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        const done = applied.get(migration.name);
        if (done) {
          if (done.checksum !== migration.checksum) {
            log(`warning: migration ${migration.name} was edited after it was applied (checksum differs)`);
          }
          result.alreadyApplied.push(migration.name);
          continue;
        }
        await applyOne(client, migration);
        log(`applied migration ${migration.name}`);
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

/** Connects, turning a failure into a StartupError that names the server but not the password. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A connection lost while idle is reported as an event; unhandled, it would crash the process.
  // The query in progress (if any) rejects on its own.
  client.on("error", () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    const target = new URL(url);
    throw new StartupError(
      `Cannot connect to PostgreSQL at ${target.hostname}:${target.port || "5432"}${target.pathname} to migrate it: ` +
        `${describeConnectError(error)}. Check DATABASE_URL.`,
      "DATABASE_URL",
      { cause: error },
    );
  }
}

// Connecting to "localhost" tries every address it resolves to; when all refuse, Node reports an
// AggregateError whose message is empty and whose code says what happened.
function describeConnectError(error: unknown): string {
  const { message, code } = error as NodeJS.ErrnoException;
  return message || code || String(error);
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  await client.query("BEGIN");
  try {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw new StartupError(
      `Migration ${migration.name} failed and was rolled back; nothing of it was applied: ${(error as Error).message}`,
      "DATABASE_URL",
      { cause: error },
    );
  }
}

/** Names of migrations in the folder that the database has not applied (readiness checks). */
export async function pendingMigrations(
  query: (sql: string) => Promise<{ migration_name: string }[]>,
  migrationsDir?: string,
): Promise<string[]> {
  const migrations = await readMigrations(migrationsDir);
  let applied: Set<string>;
  try {
    const rows = await query(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = new Set(rows.map((row) => row.migration_name));
  } catch (error) {
    // 42P01 undefined_table: no bookkeeping table yet, so nothing is applied.
    if ((error as { code?: string }).code !== "42P01") throw error;
    applied = new Set();
  }
  return migrations.map((migration) => migration.name).filter((name) => !applied.has(name));
}
