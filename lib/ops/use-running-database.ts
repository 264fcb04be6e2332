// Where an operator's command (`npm run webhook-token`, `npm run admin`) finds the database:
// DATABASE_URL, else the embedded PostgreSQL of a running `npm start` (its password file in
// SHIPLOG_DATA_DIR and EMBEDDED_POSTGRES_PORT).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { config, useDatabaseUrl } from "../env";
import { StartupError } from "../startup-error";
import { embeddedDatabaseName } from "./start-database";

export async function useRunningDatabase(): Promise<void> {
  const settings = config();
  if (settings.DATABASE_URL) return;
  const password = (
    await readFile(path.resolve(settings.SHIPLOG_DATA_DIR, "postgres-password"), "utf8").catch(() => {
      throw new StartupError(`DATABASE_URL is unset and no embedded PostgreSQL was found in ${settings.SHIPLOG_DATA_DIR}: run \`npm start\` first or set DATABASE_URL.`, "DATABASE_URL");
    })
  ).trim();
  useDatabaseUrl(`postgresql://shiplog:${encodeURIComponent(password)}@127.0.0.1:${settings.EMBEDDED_POSTGRES_PORT}/${embeddedDatabaseName}`);
}
