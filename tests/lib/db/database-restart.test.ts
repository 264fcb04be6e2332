// What lib/ does when its PostgreSQL goes away and comes back (issue 13, section 6), against a
// real server of this file's own that it stops (fast shutdown), kills (SIGKILL) and starts again:
// the Prisma client's pool logs the broken connections through pino and serves again without a
// new client; LISTEN re-subscribes by itself and says so; a start-up step waits the outage out.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/is-database-unavailable";
import { retryWhileUnavailable } from "@/lib/db/retry-while-unavailable";
import { listenForDeliveries } from "@/lib/ingest/queue/listen-for-deliveries";
import { captureLogs } from "../../support/capture-logs";
import { type RestartablePostgres, startRestartablePostgres } from "../../support/restartable-postgres";

let server: RestartablePostgres;
beforeAll(async () => {
  server = await startRestartablePostgres();
}, 120_000);
afterAll(async () => {
  await server?.dispose();
});

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function notify(channel: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
  } finally {
    await client.end();
  }
}

describe.each([
  ["stopped (fast shutdown)", () => server.stop()],
  ["killed (SIGKILL)", () => server.kill()],
] as const)("when PostgreSQL is %s and started again", (_how, takeDown) => {
  it("the Prisma client logs the broken connections once, fails as unavailable meanwhile, and serves again by itself", { timeout: 90_000 }, async () => {
    const logs = captureLogs("debug");
    const db = createDb(server.url, { poolName: "restart-test" });
    try {
      // Two idle connections in the pool, as a busy process has.
      await Promise.all([db.$queryRaw`SELECT 1 FROM pg_sleep(0.05)`, db.$queryRaw`SELECT 1 FROM pg_sleep(0.05)`]);

      await takeDown();
      const failure = await db.$queryRaw`SELECT 1`.then(() => undefined, (error: unknown) => error);
      expect(isDatabaseUnavailable(failure), String(failure)).toBe(true);
      const broken = await eventually(
        () => logs.lines.filter((line) => line.component === "db" && line.pool === "restart-test" && line.level === "warn"),
        (lines) => lines.length > 0,
      );
      // One warning for the outage, however many connections it broke.
      expect(broken).toHaveLength(1);
      expect(broken[0]).toMatchObject({ code: expect.stringMatching(/^57P0[13]$|^E[A-Z]+$/), reason: expect.any(String) });
      expect(JSON.stringify(broken[0]).length).toBeLessThan(1_000);
      expect(broken[0]!.msg).toMatch(/^a database connection failed \(.+\); queries fail with 503 until it is back, and the pool reconnects by itself$/);

      await server.start();
      expect(await db.$queryRaw<{ answer: number }[]>`SELECT 42 AS answer`).toEqual([{ answer: 42 }]);
      const back = logs.lines.filter((line) => line.component === "db" && line.pool === "restart-test" && line.level === "info");
      expect(back.map((line) => line.msg)).toEqual([expect.stringMatching(/^connected to the database again, \d+\.\d s after a connection failed$/)]);
    } finally {
      logs.restore();
      await db.$disconnect();
    }
  });

  it("LISTEN re-subscribes by itself, says so, and hears notifications again", { timeout: 90_000 }, async () => {
    const heard: (string | undefined)[] = [];
    let reconnects = 0;
    const warnings: string[] = [];
    const infos: string[] = [];
    const listener = listenForDeliveries(server.url, "restart_test", {
      log: { info: (line) => infos.push(line), warn: (line) => warnings.push(line), error: (line) => warnings.push(line) },
      onNotification: (payload) => heard.push(payload),
      onReconnect: () => (reconnects += 1),
      reconnectAfterMs: 200,
    });
    try {
      await eventually(async () => (await notify("restart_test", "before"), heard), (values) => values.includes("before"));
      expect(heard).toContain("before");

      await takeDown();
      await eventually(() => warnings, (lines) => lines.length > 0);
      expect(warnings).toEqual([expect.stringMatching(/^LISTEN restart_test unavailable \(.+\); polling only until it is back$/)]);
      await server.start();

      await eventually(() => reconnects, (count) => count === 1);
      expect(reconnects).toBe(1);
      expect(infos).toEqual([expect.stringMatching(/^LISTEN restart_test is back after \d+\.\d s$/)]);
      // Subscribed before onReconnect is called: a notification sent now is heard.
      await notify("restart_test", "after");
      await eventually(() => heard, (values) => values.includes("after"), 5_000);
      expect(heard).toContain("after");
      // Still one warning: the failed attempts while it was down do not each warn.
      expect(warnings).toHaveLength(1);
    } finally {
      await listener.close();
    }
  });
});

describe("retryWhileUnavailable", () => {
  it("waits out an outage: the step runs once the database is back", { timeout: 90_000 }, async () => {
    await server.stop();
    const lines: string[] = [];
    const db = createDb(server.url);
    try {
      const restarted = new Promise<void>((resolve) => setTimeout(() => void server.start().then(resolve), 1_500));
      const answer = await retryWhileUnavailable(() => db.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`, { what: "a start-up step", log: (line) => lines.push(line), firstDelayMs: 100, maxDelayMs: 500 });
      await restarted;
      expect(answer).toEqual([{ ok: 1 }]);
      expect(lines[0]).toMatch(/^a start-up step: the database is unavailable \(.+\); trying again every \d+ s at most$/);
    } finally {
      await db.$disconnect();
    }
  });

  it("throws any other error at once, and gives up quietly when the process is stopping", async () => {
    const db = createDb(server.url);
    try {
      const lines: string[] = [];
      await expect(retryWhileUnavailable(() => db.$queryRaw`SELECT * FROM no_such_table`, { what: "step", log: (line) => lines.push(line) })).rejects.toThrow(/no_such_table/);
      expect(lines).toEqual([]);
      const stopping = new AbortController();
      stopping.abort();
      expect(await retryWhileUnavailable(() => db.$queryRaw`SELECT 1`, { what: "step", log: () => undefined, signal: stopping.signal })).toBeUndefined();
    } finally {
      await db.$disconnect();
    }
  });
});
