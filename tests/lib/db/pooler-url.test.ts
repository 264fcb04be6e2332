// DATABASE_POOLER_URL: the Prisma client's pool goes through a transaction-mode pooler while
// whatever needs a session (LISTEN, session advisory locks, migrations) keeps DATABASE_URL. A
// second database on the test server stands in for the pooler's address, holding different rows
// so each assertion shows which address answered.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeDb, getDb, readDb } from "../../../lib/db/client";
import { ConfigError, databaseUrl, parseConfig, useDatabaseUrl } from "../../../lib/env";
import { createDatabase } from "../../support/postgres-admin";

type TestDatabase = Awaited<ReturnType<typeof createDatabase>>;

describe("DATABASE_POOLER_URL", () => {
  let pooler: TestDatabase;
  let directUrl: string;

  beforeAll(async () => {
    directUrl = process.env.DATABASE_URL!;
    pooler = await createDatabase(inject("serverUrl"), { prefix: "shiplog_pooler", template: inject("templateDatabase") });
    const client = new pg.Client({ connectionString: pooler.url });
    await client.connect();
    await client.query("INSERT INTO teams (slug, name) VALUES ('behind-the-pooler', 'Pooler')");
    await client.end();
    await closeDb();
    process.env.DATABASE_POOLER_URL = pooler.url;
    useDatabaseUrl(directUrl); // also drops the cached configuration
  });

  afterAll(async () => {
    await closeDb();
    delete process.env.DATABASE_POOLER_URL;
    useDatabaseUrl(directUrl);
    await pooler.drop();
  });

  it("carries the Prisma client's statements and transactions, and readDb's without replicas", async () => {
    expect((await getDb().team.findMany()).map((team) => team.slug)).toEqual(["behind-the-pooler"]);
    const database = await getDb().$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ database: string }[]>`SELECT current_database() AS database`;
      return row?.database;
    });
    expect(database).toBe(pooler.name);
    expect(readDb()).toBe(getDb());
  });

  it("leaves DATABASE_URL as the address of session connections", () => {
    expect(databaseUrl()).toBe(directUrl);
  });

  it("names the setting when it is not a PostgreSQL URL, without showing the password", () => {
    expect(() => parseConfig({ DATABASE_POOLER_URL: "pgbouncer.internal:6432" })).toThrow(ConfigError);
    let message = "";
    try {
      parseConfig({ DATABASE_POOLER_URL: "http://app:hunter2@pgbouncer.internal:6432/shiplog" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("DATABASE_POOLER_URL: must be a postgres:// or postgresql:// connection URL (value hidden)");
    expect(message).not.toContain("hunter2");
  });
});
