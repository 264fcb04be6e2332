// Read replicas (DATABASE_REPLICA_URLS): a second database on the test server stands in for the
// replica. It is a copy of the same schema holding different rows and refuses writes like a hot
// standby, so each assertion shows which database answered.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeDb, getDb, readDb } from "../../../lib/db/client";
import { ConfigError, parseConfig, useDatabaseUrl } from "../../../lib/env";
import { listDoraScopeOptions } from "../../../lib/metrics/list-dora-scope-options";
import { findServicesByName } from "../../../lib/search/find-services-by-name";
import { getService } from "../../../lib/services/get-service";
import { serviceExists } from "../../../lib/services/service-exists";
import { adminQuery, createDatabase } from "../../support/postgres-admin";

const serverUrl = inject("serverUrl");
type TestDatabase = Awaited<ReturnType<typeof createDatabase>>;

async function onDatabase(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function teamSlugs(db: ReturnType<typeof readDb>): Promise<string[]> {
  return (await db.team.findMany({ orderBy: { slug: "asc" } })).map((team) => team.slug);
}

/** Points lib/ at the primary again with `replicaUrls` (or none), on fresh clients. */
async function configureReplicas(replicaUrls: string | undefined): Promise<void> {
  const primaryUrl = process.env.DATABASE_URL!;
  await closeDb();
  if (replicaUrls === undefined) delete process.env.DATABASE_REPLICA_URLS;
  else process.env.DATABASE_REPLICA_URLS = replicaUrls;
  useDatabaseUrl(primaryUrl); // also drops the cached configuration
}

describe("readDb without DATABASE_REPLICA_URLS", () => {
  it("is the primary client itself, so every read sees the writes before it", async () => {
    await configureReplicas(undefined);
    expect(readDb()).toBe(getDb());
    await getDb().team.create({ data: { slug: "written-on-primary", name: "Primary" } });
    expect(await teamSlugs(readDb())).toContain("written-on-primary");
    expect(await findServicesByName("anything")).toEqual([]);
  });
});

describe("readDb with a replica", () => {
  let replica: TestDatabase;

  beforeAll(async () => {
    replica = await createDatabase(serverUrl, { prefix: "shiplog_replica", template: inject("templateDatabase") });
    await onDatabase(
      replica.url,
      `INSERT INTO teams (slug, name) VALUES ('replica-only', 'Replica');
       INSERT INTO services (name, team_id) SELECT 'checkout-on-replica', id FROM teams WHERE slug = 'replica-only'`,
    );
    await adminQuery(serverUrl, `ALTER DATABASE "${replica.name}" SET default_transaction_read_only = on`);
    await getDb().service.create({ data: { name: "checkout-on-primary" } });
    await configureReplicas(replica.url);
  });

  afterAll(async () => {
    await configureReplicas(undefined);
    await replica.drop();
  });

  it("sends model reads and raw SQL to the replica", async () => {
    expect(await teamSlugs(readDb())).toEqual(["replica-only"]);
    const rows = await readDb().$queryRaw<{ database: string }[]>`SELECT current_database() AS database`;
    expect(rows[0]?.database).toBe(replica.name);
  });

  it("keeps getDb on the primary for reads, writes and transactions", async () => {
    expect(await teamSlugs(getDb())).not.toContain("replica-only");
    await getDb().team.create({ data: { slug: "written-after-replica", name: "After" } });
    expect(await teamSlugs(getDb())).toContain("written-after-replica");
    expect(await teamSlugs(readDb())).not.toContain("written-after-replica");

    const inTransaction = await getDb().$transaction(async (tx) => {
      await tx.team.create({ data: { slug: "written-in-transaction", name: "Tx" } });
      const [row] = await tx.$queryRaw<{ database: string }[]>`SELECT current_database() AS database`;
      return { database: row?.database, slugs: (await tx.team.findMany()).map((team) => team.slug) };
    });
    expect(inTransaction.database).not.toBe(replica.name);
    expect(inTransaction.slugs).toContain("written-in-transaction");
    expect(inTransaction.slugs).not.toContain("replica-only");
  });

  it("refuses a write through the replica instead of splitting data between databases", async () => {
    await expect(readDb().team.create({ data: { slug: "must-not-land", name: "No" } })).rejects.toThrow(/read-only transaction/);
  });

  it("answers the header search from the replica unless the caller passes its own client", async () => {
    expect((await findServicesByName("checkout")).map((match) => match.name)).toEqual(["checkout-on-replica"]);
    expect((await findServicesByName("checkout", {}, getDb())).map((match) => match.name)).toEqual(["checkout-on-primary"]);
  });

  it("answers the service page and the DORA choices from the replica", async () => {
    expect(await serviceExists("checkout-on-replica")).toBe(true);
    expect(await serviceExists("checkout-on-primary")).toBe(false);
    expect((await getService("checkout-on-replica"))?.team?.slug).toBe("replica-only");
    expect((await listDoraScopeOptions()).teams.map((team) => team.slug)).toEqual(["replica-only"]);
  });

  it("closes the replica's connections with closeDb", async () => {
    await readDb().team.count();
    await closeDb();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      // A closed connection's backend leaves pg_stat_activity a moment after the client hangs up.
      let open = Infinity;
      for (let attempt = 0; attempt < 50 && open > 0; attempt += 1) {
        const result = await admin.query<{ open: number }>("SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1", [replica.name]);
        open = result.rows[0]!.open;
        if (open > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(open).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe("DATABASE_REPLICA_URLS", () => {
  it("takes comma-separated PostgreSQL URLs", () => {
    const settings = parseConfig({ DATABASE_REPLICA_URLS: "postgres://reader@replica-a/shiplog, postgresql://reader@replica-b/shiplog" });
    expect(settings.DATABASE_REPLICA_URLS).toEqual(["postgres://reader@replica-a/shiplog", "postgresql://reader@replica-b/shiplog"]);
    expect(parseConfig({}).DATABASE_REPLICA_URLS).toEqual([]);
  });

  it("names the setting for an entry that is not a PostgreSQL URL, without showing the passwords", () => {
    const error = (() => {
      try {
        parseConfig({ DATABASE_REPLICA_URLS: "postgres://reader:hunter2@replica-a/shiplog,mysql://replica-b/shiplog" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("DATABASE_REPLICA_URLS: must be postgres:// or postgresql:// connection URLs");
    expect(message).toContain("value hidden");
    expect(message).not.toContain("hunter2");
  });
});
