// Starts one PostgreSQL for the whole run (the embedded one unless DATABASE_URL is set) and
// migrates a template database; each test file then gets its own copy (setup-database.ts).
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type RunningPostgres } from "../../lib/db/embedded-postgres";
import { migrate } from "../../lib/db/migrate";
import { adminQuery, freePort, withDatabase } from "./postgres-admin";

declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
    templateDatabase: string;
  }
}

let embedded: RunningPostgres | undefined;
let embeddedDir: string | undefined;

export async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    await import("node:fs/promises").then((fs) => fs.mkdir(".shiplog", { recursive: true }));
    const dataDir = await mkdtemp(path.resolve(".shiplog/test-postgres-"));
    embeddedDir = dataDir;
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: "postgres", persistent: false });
    serverUrl = embedded.url;
  }
  const templateDatabase = `shiplog_template_${process.pid}`;
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${templateDatabase}"`);
  await adminQuery(serverUrl, `CREATE DATABASE "${templateDatabase}"`);
  await migrate(withDatabase(serverUrl, templateDatabase));
  project.provide("serverUrl", serverUrl);
  project.provide("templateDatabase", templateDatabase);

  return async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${templateDatabase}" WITH (FORCE)`).catch(() => undefined);
    await embedded?.stop();
    // Stopped cleanly: its password file and log go too (a run that crashed leaves them to read).
    if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
  };
}
