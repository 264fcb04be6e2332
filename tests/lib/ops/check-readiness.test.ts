import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, getDb } from "../../../lib/db/client";
import { defaultMigrationsDir } from "../../../lib/db/migrate";
import { checkReadiness } from "../../../lib/ops/check-readiness";
import { createDatabase, freePort } from "../../support/postgres-admin";

describe("checkReadiness", () => {
  it("is ready when the database answers and every migration is applied", async () => {
    expect(await checkReadiness(getDb)).toEqual({ status: "ready", pendingMigrations: [] });
  });

  describe("with a migration the database has not applied", () => {
    let migrationsDir: string;
    beforeAll(async () => {
      migrationsDir = path.join(await mkdtemp(path.join(tmpdir(), "shiplog-readiness-")), "migrations");
      await cp(defaultMigrationsDir, migrationsDir, { recursive: true });
      await mkdir(path.join(migrationsDir, "99990101000000_not_yet"));
      await writeFile(path.join(migrationsDir, "99990101000000_not_yet", "migration.sql"), "SELECT 1;\n");
    });
    afterAll(() => rm(path.dirname(migrationsDir), { recursive: true, force: true }));

    it("is not ready and names the pending migration", async () => {
      expect(await checkReadiness(getDb, { migrationsDir })).toMatchObject({
        status: "not_ready",
        reason: "migrations_pending",
        pendingMigrations: ["99990101000000_not_yet"],
      });
    });
  });

  it("is not ready on a database that was never migrated", async () => {
    const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_unmigrated" });
    const db = createDb(database.url);
    try {
      const readiness = await checkReadiness(() => db);
      expect(readiness).toMatchObject({ status: "not_ready", reason: "migrations_pending" });
      expect(readiness.pendingMigrations?.length).toBeGreaterThan(0);
    } finally {
      await db.$disconnect();
      await database.drop();
    }
  });

  it("is not ready, with the driver's reason, when the database refuses connections", async () => {
    const db = createDb(`postgresql://shiplog@127.0.0.1:${await freePort()}/shiplog`);
    try {
      expect(await checkReadiness(() => db)).toMatchObject({
        status: "not_ready",
        reason: "database_unreachable",
        detail: expect.stringMatching(/ECONNREFUSED|connect|reach/i),
      });
    } finally {
      await db.$disconnect();
    }
  });

  it("is not ready when the database is not configured at all", async () => {
    const readiness = await checkReadiness(() => {
      throw new Error("DATABASE_URL: not set");
    });
    expect(readiness).toMatchObject({ status: "not_ready", reason: "database_unreachable", detail: "DATABASE_URL: not set" });
  });

  describe("when the database hangs", () => {
    let silent: Server;
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      // Accepts TCP connections and never says a word: a hung server or a black-holed network.
      silent = createServer((socket) => sockets.push(socket));
      port = await freePort();
      await new Promise<void>((resolve) => silent.listen(port, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

    it("answers within its time budget (real connection)", async () => {
      const db = createDb(`postgresql://shiplog@127.0.0.1:${port}/shiplog`);
      const started = Date.now();
      try {
        expect(await checkReadiness(() => db)).toMatchObject({ status: "not_ready", reason: "database_timeout" });
        expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        for (const socket of sockets) socket.destroy();
        await db.$disconnect();
      }
    });

    it("answers within a custom budget when a query never settles", async () => {
      const started = Date.now();
      const readiness = await checkReadiness(() => ({ $queryRawUnsafe: () => new Promise<never>(() => undefined) }), {
        timeoutMs: 100,
      });
      expect(readiness).toMatchObject({ status: "not_ready", reason: "database_timeout" });
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });
});
