// Database-level helpers for tests: create, copy and drop whole databases on the test server.
import { randomBytes } from "node:crypto";
import pg from "pg";

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs one statement against the server's maintenance database. */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

/** A new database: empty, or a copy of `template`. Returns its URL and a dropper. */
export async function createDatabase(
  serverUrl: string,
  options: { prefix?: string; template?: string } = {},
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = uniqueDatabaseName(options.prefix ?? "shiplog_test");
  const template = options.template ? ` TEMPLATE "${options.template}"` : "";
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"${template}`);
  return {
    url: withDatabase(serverUrl, name),
    name,
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

export { freePortOnLoopback as freePort } from "../../lib/ops/free-port";
