// Shiplog behind a real transaction-mode PgBouncer (docs/scaling.md#pgbouncer): the Prisma pool
// goes through DATABASE_POOLER_URL, with fewer server connections than the pool has clients,
// while LISTEN keeps DATABASE_URL, because through transaction pooling it hears nothing.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "../../../lib/db/client";
import { closeDeploymentChangeFeed, subscribeToDeploymentChanges } from "../../../lib/deployments/deployment-change-feed";
import { config, useDatabaseUrl } from "../../../lib/env";
import { listenForDeliveries } from "../../../lib/ingest/queue/listen-for-deliveries";
import { processPendingDeliveries } from "../../../lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, insertDelivery, quietLog } from "../../support/deliveries";
import { type PgBouncer, startPgBouncer } from "../../support/pgbouncer";

const SERVER_CONNECTIONS = 3;

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const value = await read();
    if (done(value) || attempt >= 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Argo CD notifications for `applications` new applications named <prefix>-<n>, `each` per application. */
async function queueArgoCdDeliveries(prefix: string, applications: number, each: number): Promise<void> {
  const app = await argocdFixture();
  for (let index = 0; index < applications * each; index += 1) {
    const copy = structuredClone(app);
    copy.metadata.name = `${prefix}-${index % applications}`;
    await insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(copy) });
  }
}

describe("behind a transaction-mode PgBouncer", () => {
  let bouncer: PgBouncer;
  let directUrl: string;

  beforeAll(async () => {
    directUrl = process.env.DATABASE_URL!;
    bouncer = await startPgBouncer(directUrl, { poolMode: "transaction", serverConnections: SERVER_CONNECTIONS });
    await closeDb();
    process.env.DATABASE_POOLER_URL = bouncer.url;
    useDatabaseUrl(directUrl); // also drops the cached configuration
  });

  afterAll(async () => {
    await closeDeploymentChangeFeed();
    await closeDb();
    delete process.env.DATABASE_POOLER_URL;
    useDatabaseUrl(directUrl);
    await bouncer?.stop();
  });

  it("runs concurrent transactions, a rollback and the worker over fewer server connections than clients", async () => {
    // As many transactions as the pool has clients (so none waits for the pool itself), all at
    // once over three server connections, each holding its server a moment: the others wait for
    // one inside their BEGIN, which on a busy machine can take longer than Prisma's default
    // maxWait (2 s); the worker's own transactions allow 10 s, and so do these.
    const clients = config().DATABASE_POOL_SIZE;
    const admin = new pg.Client({ connectionString: bouncer.adminUrl });
    await admin.connect();
    const seen = { clients: 0, servers: 0 };
    let finished = false;
    const watching = (async () => {
      while (!finished) {
        const [pool] = (await admin.query<Record<string, string | number>>("SHOW POOLS")).rows.filter((row) => row.database === "app");
        const count = (columns: string[]) => columns.reduce((sum, column) => sum + Number(pool?.[column] ?? 0), 0);
        seen.clients = Math.max(seen.clients, count(["cl_active", "cl_waiting"]));
        seen.servers = Math.max(seen.servers, count(["sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"]));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      const counts = await Promise.all(
        Array.from({ length: clients }, (_, index) =>
          getDb().$transaction(
            async (tx) => {
              await tx.team.create({ data: { slug: `pooled-${index}`, name: `Pooled ${index}` } });
              await tx.$executeRaw`SELECT pg_sleep(0.2)`;
              return tx.team.count({ where: { slug: `pooled-${index}` } });
            },
            { maxWait: 10_000 },
          ),
        ),
      );
      expect(counts).toEqual(Array.from({ length: clients }, () => 1));
    } finally {
      finished = true;
      await watching;
      await admin.end();
    }
    expect(seen.clients).toBeGreaterThan(SERVER_CONNECTIONS);
    expect(seen.servers).toBeLessThanOrEqual(SERVER_CONNECTIONS);

    const failed = getDb().$transaction(async (tx) => {
      await tx.team.create({ data: { slug: "rolled-back", name: "Rolled back" } });
      throw new Error("the handler failed");
    });
    await expect(failed).rejects.toThrow("the handler failed");
    expect(await getDb().team.count({ where: { slug: "rolled-back" } })).toBe(0);

    await queueArgoCdDeliveries("pooled", 10, 4);
    const summary = await processPendingDeliveries({ concurrency: 4, log: quietLog() });
    expect(summary).toMatchObject({ processed: 40, failed: 0, quarantined: 0 });
    expect(await getDb().application.count()).toBe(10);
  });

  it("keeps timelines live: the feed listens on DATABASE_URL and hears the worker's NOTIFY sent through the pooler, which a LISTEN through the pooler would miss", async () => {
    const heard: number[] = [];
    const unsubscribe = subscribeToDeploymentChanges((ids) => heard.push(...ids));
    let heardThroughPooler = 0;
    const pooledListener = listenForDeliveries(bouncer.url, "shiplog_deployments", { log: quietLog(), onNotification: () => (heardThroughPooler += 1) });
    const direct = new pg.Client({ connectionString: directUrl });
    await direct.connect();
    try {
      // Both LISTENs reached PostgreSQL (the pooled one through some server connection) before anything is sent.
      await eventually(
        async () => (await direct.query<{ listening: number }>("SELECT count(*)::int AS listening FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'")).rows[0]!.listening,
        (listening) => listening >= 2,
      );
      await queueArgoCdDeliveries("live", 3, 1);
      await processPendingDeliveries({ log: quietLog() });
      const written = (await getDb().deployment.findMany({ where: { application: { name: { startsWith: "live-" } } }, select: { id: true } })).map((row) => row.id);
      expect(written).toHaveLength(3);
      await eventually(() => heard, (ids) => written.every((id) => ids.includes(id)));
      expect(heard).toEqual(expect.arrayContaining(written));
      expect(heardThroughPooler).toBe(0);
    } finally {
      unsubscribe();
      await pooledListener.close();
      await direct.end();
    }
  });
});
