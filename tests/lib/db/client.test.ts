// The Prisma client's errors carry the database's reason without a code frame: failed
// deliveries store error messages and the ingestion page shows them to operators.
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb, getDb } from "../../../lib/db/client";
import { databaseUrl, useDatabaseUrl } from "../../../lib/env";

/** A client made under these settings (config() is read when a client is created). */
function clientWith(settings: Record<string, string>, url = databaseUrl()) {
  const real = databaseUrl();
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
  useDatabaseUrl(real); // forgets the cached settings
  return createDb(url);
}

afterEach(() => {
  const real = databaseUrl();
  vi.unstubAllEnvs();
  useDatabaseUrl(real);
});

describe("the Prisma client", () => {
  it("words a failed statement without source paths or code lines", async () => {
    const db = getDb();
    await db.team.create({ data: { slug: "errors", name: "Errors" } });
    const error = await db.team.create({ data: { slug: "errors", name: "Errors again" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("Unique constraint failed");
    expect(message).not.toMatch(/client\.test\.ts|\n\s*\d+\s/);
  });

  it("lets a burst beyond the pool wait its turn, up to DATABASE_POOL_WAIT_MS, longer than the connect timeout", async () => {
    const patient = clientWith({ DATABASE_POOL_SIZE: "1", DATABASE_CONNECT_TIMEOUT_MS: "1000", DATABASE_POOL_WAIT_MS: "30000" });
    const impatient = clientWith({ DATABASE_POOL_SIZE: "1", DATABASE_CONNECT_TIMEOUT_MS: "1000", DATABASE_POOL_WAIT_MS: "100" });
    try {
      // Four queries of 500 ms on one open connection: the last waits about 1.5 s for it.
      const burst = async (db: typeof patient) => {
        await db.$queryRaw`SELECT 1`;
        return Promise.allSettled([0, 1, 2, 3].map(() => db.$queryRaw`SELECT 1 FROM pg_sleep(0.5)`));
      };
      const waited = await burst(patient);
      expect(waited.map((result) => (result.status === "rejected" ? String(result.reason) : result.status))).toEqual(Array(4).fill("fulfilled"));
      const refused = (await burst(impatient)).filter((result) => result.status === "rejected");
      expect(refused.length).toBeGreaterThan(0);
      expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/timeout exceeded when trying to connect/);
    } finally {
      await Promise.all([patient.$disconnect(), impatient.$disconnect()]);
    }
  });

  it("still gives up opening a connection after DATABASE_CONNECT_TIMEOUT_MS, not the pool's wait", async () => {
    // A server that takes the TCP connection and never says a word, as a database host that hangs.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const db = clientWith({ DATABASE_CONNECT_TIMEOUT_MS: "300", DATABASE_POOL_WAIT_MS: "20000" }, `postgresql://shiplog@127.0.0.1:${port}/shiplog`);
    try {
      const started = performance.now();
      const error = await db.$queryRaw`SELECT 1`.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await db.$disconnect().catch(() => undefined);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
