// lib/db/migrate.ts against real, empty databases: from zero, again, concurrently, and when a
// migration or the bookkeeping is broken.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { migrate, pendingMigrations, readMigrations } from "../../../lib/db/migrate";
import { StartupError } from "../../../lib/startup-error";
import { createDatabase, withDatabase } from "../../support/postgres-admin";

const serverUrl = inject("serverUrl");
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const database = await createDatabase(serverUrl, { prefix: "shiplog_migrate" });
  cleanups.push(database.drop);
  return database.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A migrations folder holding `migrations` (name → SQL), removed after the file's tests. */
async function migrationsFolder(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "shiplog-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

type BookkeepingRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const bookkeeping = (url: string) =>
  query<BookkeepingRow>(
    url,
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
     FROM "_prisma_migrations" ORDER BY migration_name, started_at`,
  );

const tableExists = async (url: string, table: string) =>
  (await query<{ found: string | null }>(url, "SELECT to_regclass($1)::text AS found", [`public."${table}"`]))[0]?.found !== null;

describe("migrate() with the project's migrations", () => {
  it("builds an empty database from zero, then finds nothing left to do", async () => {
    const url = await emptyDatabase();
    const migrations = await readMigrations();
    const names = migrations.map((migration) => migration.name);
    expect(names.length).toBeGreaterThan(0);

    const logged: string[] = [];
    const first = await migrate(url, { log: (line) => logged.push(line) });
    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    expect(logged).toEqual(names.map((name) => `applied migration ${name}`));
    expect(await tableExists(url, "deployments")).toBe(true);
    expect(await pendingMigrations((sql) => query(url, sql))).toEqual([]);

    const second = await migrate(url);
    expect(second).toEqual({ applied: [], alreadyApplied: names });

    // One finished row per migration, with Prisma's checksum: the sha256 of the file.
    expect(await bookkeeping(url)).toEqual(
      migrations.map((migration) => ({
        migration_name: migration.name,
        checksum: createHash("sha256").update(migration.sql).digest("hex"),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
      })),
    );
  });

  it("applies each migration exactly once when two instances start together", async () => {
    const url = await emptyDatabase();
    const names = (await readMigrations()).map((migration) => migration.name);

    const results = await Promise.all([migrate(url), migrate(url)]);

    expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
    for (const result of results) expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(names);
    expect((await bookkeeping(url)).map((row) => row.migration_name)).toEqual(names);
  });
});

describe("migrate() with broken migrations or bookkeeping", () => {
  it("rolls a failing migration back completely and names it", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsFolder({
      "0001_good": `CREATE TABLE "good_table" ("id" INTEGER PRIMARY KEY);`,
      // The first statement succeeds; the second fails, so the first must be undone too.
      "0002_bad": `CREATE TABLE "bad_table" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "no_such_table" VALUES (1);`,
      "0003_after": `CREATE TABLE "after_table" ("id" INTEGER PRIMARY KEY);`,
    });

    const failure = await migrate(url, { migrationsDir: dir }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as StartupError).message).toMatch(/^Migration 0002_bad failed and was rolled back.*no_such_table/s);
    expect(await tableExists(url, "good_table")).toBe(true);
    expect(await tableExists(url, "bad_table")).toBe(false);
    expect(await tableExists(url, "after_table")).toBe(false);
    expect((await bookkeeping(url)).map((row) => row.migration_name)).toEqual(["0001_good"]);
  });

  it("refuses to run past a migration recorded as started but not finished", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsFolder({ "0001_good": `CREATE TABLE "good_table" ("id" INTEGER PRIMARY KEY);` });
    await migrate(url, { migrationsDir: dir });
    // What a `prisma migrate deploy` that failed halfway leaves behind.
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('00000000-0000-4000-8000-000000000001', 'x', '0002_half_done', now())`,
    );
    const next = await migrationsFolder({
      "0001_good": `CREATE TABLE "good_table" ("id" INTEGER PRIMARY KEY);`,
      "0002_half_done": `CREATE TABLE "half_table" ("id" INTEGER PRIMARY KEY);`,
      "0003_next": `CREATE TABLE "next_table" ("id" INTEGER PRIMARY KEY);`,
    });

    const failure = await migrate(url, { migrationsDir: next }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as StartupError).message).toMatch(/Migration 0002_half_done is recorded as started but not finished/);
    expect(await tableExists(url, "next_table")).toBe(false);
  });

  it("explains a migrations folder that does not exist", async () => {
    const url = await emptyDatabase();
    const missing = path.join(tmpdir(), "shiplog-no-such-migrations");
    await expect(migrate(url, { migrationsDir: missing })).rejects.toThrow(
      new StartupError(`The migrations folder ${missing} does not exist. Run Shiplog from its project folder.`),
    );
  });

  it("explains a database it cannot connect to, without the password", async () => {
    const url = withDatabase(serverUrl, "shiplog_no_such_database");
    const failure = await migrate(url).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as StartupError).message).toMatch(/^Cannot connect to PostgreSQL at .*\/shiplog_no_such_database/);
    expect((failure as StartupError).message).not.toContain(new URL(serverUrl).password);
  });
});

/** Runs `npm run migrate`'s script with DATABASE_URL set; resolves with its exit code and output. */
function runMigrateScript(databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], {
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "production" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run migrate", () => {
  it("prints what it applied, then that nothing is pending", async () => {
    const url = await emptyDatabase();
    const names = (await readMigrations()).map((migration) => migration.name);

    const first = await runMigrateScript(url);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    for (const name of names) expect(first.stdout).toContain(`applied migration ${name}`);

    const second = await runMigrateScript(url);
    expect(second).toMatchObject({ code: 0, stderr: "" });
    expect(second.stdout).toContain(`No pending migrations (${names.length} already applied).`);
  });

  it("exits non-zero with the StartupError's message alone", async () => {
    const result = await runMigrateScript(withDatabase(serverUrl, "shiplog_no_such_database"));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Cannot connect to PostgreSQL at /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
