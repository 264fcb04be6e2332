// The one Prisma client of a process. Created on first use so that start-up can choose the
// database (embedded or external) before anything connects.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { config, databaseUrl } from "../env";

export type Db = PrismaClient;
/** A client or an interactive transaction: what domain functions accept to compose in one transaction. */
export type DbOrTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createDb(url: string): PrismaClient {
  const { DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT_MS } = config();
  const adapter = new PrismaPg({
    connectionString: url,
    max: DATABASE_POOL_SIZE,
    connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
  });
  // "minimal": error messages without Prisma's code frame (source path and lines), so a failed
  // delivery's stored error and the logs read as the database's own reason.
  return new PrismaClient({ adapter, errorFormat: "minimal" });
}

const globalForDb = globalThis as unknown as { shiplogDb?: PrismaClient };

/** The process-wide client (kept on globalThis so Next's dev reloads do not open new pools). */
export function getDb(): PrismaClient {
  globalForDb.shiplogDb ??= createDb(databaseUrl());
  return globalForDb.shiplogDb;
}

/** Closes the process-wide client, if one was opened. */
export async function closeDb(): Promise<void> {
  const current = globalForDb.shiplogDb;
  globalForDb.shiplogDb = undefined;
  await current?.$disconnect();
}
