// `npm run migration:new -- <name> [--from <git revision>]`: writes
// prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the schema as of
// <revision> (default HEAD) to the working copy of prisma/schema.prisma.
//
// Why this shape: `prisma migrate dev` needs Prisma's native schema engine, which these
// machines cannot download. The schema engine also ships as WebAssembly
// (@prisma/schema-engine-wasm, pinned to a build whose DDL the schema-drift test accepts), and
// diffing two schema files needs no database. The drift test guarantees that the committed
// schema.prisma is exactly what the committed migrations build, so "HEAD's schema → working
// schema" is the pending migration. Review the SQL; add what schema.prisma cannot express
// (triggers, partial indexes) by hand below Prisma's part.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import { SchemaEngine } from "@prisma/schema-engine-wasm";
import { startEmbeddedPostgres } from "../lib/db/embedded-postgres";
import { defaultMigrationsDir } from "../lib/db/migrate";
import { freePortOnLoopback } from "../lib/ops/free-port";

const SCHEMA = "prisma/schema.prisma";

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: "string", default: "HEAD" } } });
  const name = positionals[0]?.trim();
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("usage: npm run migration:new -- <name> [--from <git revision>]   (name: lower-case letters, digits, underscores)");
    process.exitCode = 2;
    return;
  }
  const before = execFileSync("git", ["show", `${values.from}:${SCHEMA}`], { encoding: "utf8" });
  const after = await readFile(SCHEMA, "utf8");
  // The engine connects through a driver adapter (to learn the server's dialect) even when it
  // only diffs two files: give it a scratch embedded PostgreSQL.
  const dataDir = await mkdtemp(path.join(tmpdir(), "shiplog-migration-"));
  const scratch = await startEmbeddedPostgres({ dataDir, port: await freePortOnLoopback(), database: "scratch", persistent: false });
  let sql: string;
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: scratch.url }));
    const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", after]] }, () => undefined, adapter);
    const result = await engine.diff({
      from: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: before }] },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: after }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    sql = (result.stdout ?? "").trim();
  } finally {
    await scratch.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  if (!sql || sql === "-- This is an empty migration.") {
    console.log(`${SCHEMA} matches ${values.from}: nothing to write.`);
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = path.join(defaultMigrationsDir, `${stamp}_${name}`);
  await mkdir(folder);
  await writeFile(path.join(folder, "migration.sql"), `${sql}\n`);
  console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql:\n\n${sql}`);
}

// Exit explicitly: embedded-postgres installs an exit hook whose 'beforeExit' handler calls
// process.exit(0), which would turn a failure into success.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
