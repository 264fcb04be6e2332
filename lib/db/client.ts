// The one Prisma client of a process. Created on first use so that start-up can choose the
// database (embedded or external) before anything connects.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { readReplicas } from "@prisma/extension-read-replicas";
import { PrismaClient } from "../generated/prisma/client";
import { config, databaseUrl } from "../env";
import { logPoolHealth } from "./log-pool-health";
import { createStatementNamer } from "./name-prepared-statement";
import { trackPool } from "../observability/metrics-registry";

export type Db = PrismaClient;
/** A client or an interactive transaction: what domain functions accept to compose in one transaction. */
export type DbOrTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * `poolName` reports the client's pg pool in shiplog_db_pool_connections (the process-wide
 * clients do; scripts' and tests' own clients need not) and names it in the log lines of broken
 * and restored connections (lib/db/log-pool-health.ts), which every client writes. pg replaces a
 * broken connection on its next use, so a client outlives the database restarting.
 */
export function createDb(url: string, options: { throughPooler?: boolean; poolName?: string } = {}): PrismaClient {
  const { DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT_MS, DATABASE_POOL_WAIT_MS, DATABASE_PREPARED_STATEMENTS } = config();
  const prepare = DATABASE_PREPARED_STATEMENTS ?? !options.throughPooler;
  const { poolName } = options;
  const health = logPoolHealth(poolName ?? "unnamed");
  const adapter = new PrismaPg(
    // keepAlive: a connection to a server that vanished without closing it (a failover that
    // moved the address) is found dead by TCP keepalive instead of hanging until the OS gives up.
    // pg's pool bounds both waiting for a free connection and opening one by its
    // connectionTimeoutMillis; each connection bounds its own opening, so the two are apart.
    {
      connectionString: url,
      max: DATABASE_POOL_SIZE,
      connectionTimeoutMillis: Math.max(DATABASE_POOL_WAIT_MS, DATABASE_CONNECT_TIMEOUT_MS),
      Client: connectingWithin(DATABASE_CONNECT_TIMEOUT_MS),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    },
    {
      // Prepared once per connection, planned once (lib/db/name-prepared-statement.ts).
      // (Typed as always naming; pg runs a statement whose name is undefined unnamed, as without it.)
      statementNameGenerator: prepare ? (createStatementNamer() as (query: { sql: string }) => string) : undefined,
      onPoolError: health.onError,
      onConnectionError: health.onError,
    },
  );
  // The adapter makes its pg pool when Prisma connects; each new one is the one to watch and report.
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    health.watch(connected.underlyingDriver());
    if (poolName) trackPool(poolName, connected.underlyingDriver());
    return connected;
  };
  // "minimal": error messages without Prisma's code frame (source path and lines), so a failed
  // delivery's stored error and the logs read as the database's own reason.
  return new PrismaClient({ adapter, errorFormat: "minimal" });
}

/** pg's client, opening its connection within `timeoutMs` whatever the pool's own timeout. */
function connectingWithin(timeoutMs: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(settings?: pg.ClientConfig) {
      super({ ...settings, connectionTimeoutMillis: timeoutMs });
    }
  };
}

/** The primary wrapped by the read-replicas extension, which picks a replica and connects and closes them all. */
function createReplicatedDb(primary: PrismaClient, replicaUrls: string[]) {
  return primary.$extends(readReplicas({ replicas: replicaUrls.map((url, index) => createDb(url, { poolName: `replica-${index + 1}` })) }));
}

type ReplicatedDb = ReturnType<typeof createReplicatedDb>;

const globalForDb = globalThis as unknown as { shiplogDb?: PrismaClient; shiplogReplicatedDb?: ReplicatedDb };

/**
 * The process-wide client of the primary (kept on globalThis so Next's dev reloads do not open
 * new pools), through DATABASE_POOLER_URL when set: everything it does is a statement or a
 * transaction, which a transaction-mode pooler passes through; what needs a session of its own
 * (LISTEN, session advisory locks, migrations) connects to DATABASE_URL instead. Every write
 * and every read that must see a write just made goes through this client. It is
 * deliberately not the extended client: the extension would send each model read outside a
 * transaction to a replica, including the worker's, sign-in's and rollbacks' reads of rows they
 * have just written.
 */
export function getDb(): PrismaClient {
  const pooler = config().DATABASE_POOLER_URL;
  globalForDb.shiplogDb ??= createDb(pooler ?? databaseUrl(), { throughPooler: pooler !== undefined, poolName: "prisma" });
  return globalForDb.shiplogDb;
}

/**
 * A client for reads that tolerate replica lag (seconds, usually less): one of
 * DATABASE_REPLICA_URLS, picked per call, for every query through it including $queryRaw; the
 * primary itself when no replica is configured. Never write through it: a hot standby refuses.
 */
export function readDb(): Db {
  const replicaUrls = config().DATABASE_REPLICA_URLS;
  if (replicaUrls.length === 0) return getDb();
  globalForDb.shiplogReplicatedDb ??= createReplicatedDb(getDb(), replicaUrls);
  // $replica() hands back one of the PrismaClient instances given to the extension; its declared
  // type is the extended primary's, which says the same less precisely.
  return globalForDb.shiplogReplicatedDb.$replica() as unknown as Db;
}

/** Closes the process-wide clients (primary and replicas), if any were opened. */
export async function closeDb(): Promise<void> {
  const primary = globalForDb.shiplogDb;
  const replicated = globalForDb.shiplogReplicatedDb;
  globalForDb.shiplogDb = undefined;
  globalForDb.shiplogReplicatedDb = undefined;
  // The extension's $disconnect closes the primary it wraps together with every replica.
  await (replicated ?? primary)?.$disconnect();
}
