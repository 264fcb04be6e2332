// The ingestion worker: a durable queue over webhook_deliveries. Slots (concurrency) take due
// deliveries (find-due-deliveries.ts: each ordering key's unfinished ones, oldest first) a batch at a
// time and apply each batch in one transaction (apply-delivery.ts: applyDeliveries, which falls
// back to a transaction per delivery when anything in the batch fails). Any number of worker
// processes can share the queue: row locks decide who applies a delivery, and a delivery is only
// applied once nothing older of its key is unfinished elsewhere, which keeps each key's deliveries
// in order and in one transaction at a time. New deliveries wake the worker through LISTEN on
// DELIVERY_CHANNEL when the accept path NOTIFYs it; otherwise it polls.
//
// runWorker runs until its signal aborts (the web process's inline worker, `npm run worker`);
// processPendingDeliveries drains what is due now and returns (tests, replays, scripts).
import { databaseUrl } from "../../env";
import { type Db, getDb } from "../../db/client";
import { isDatabaseUnavailable } from "../../db/is-database-unavailable";
import { FleetDirectory } from "../../fleet/fleet-directory";
import { applyDeliveries, type ApplyOptions, type ApplyResult, type WorkerLog } from "./apply-delivery";
import { DELIVERY_CHANNEL, REBUILT_NOTIFICATION } from "./delivery-channel";
import { defaultRetryPolicy, type RetryPolicy } from "./delivery-retry-policy";
import { type DueDelivery, findDueDeliveries } from "./find-due-deliveries";
import { listenForDeliveries } from "./listen-for-deliveries";
import { logger } from "../../log/logger";
import { recordWorkerBatch } from "../../observability/record-worker-batch";
import { traceWorkerBatch } from "../../observability/trace-worker-batch";

export type WorkerOptions = {
  db?: Db;
  /** Defaults to the process's one directory (processDirectory()). */
  directory?: FleetDirectory;
  retry?: Partial<RetryPolicy>;
  log?: WorkerLog;
  transactionTimeoutMs?: number;
  /** Most deliveries a slot applies in one transaction (default 25; 1: a transaction each). */
  batchSize?: number;
  /** Called once a delivery is locked, before its handler runs. */
  onApplying?: ApplyOptions["onApplying"];
  /** Called after each delivery's transaction ended (committed or rolled back). */
  onApplied?: (result: ApplyResult) => void;
};

export type DrainSummary = { processed: number; ignored: number; failed: number; quarantined: number };

const DEFAULT_POLL_INTERVAL_MS = 250;

const globalForWorker = globalThis as unknown as { shiplogFleetDirectory?: FleetDirectory };

/** The fleet directory of this process, shared by its worker slots and replays. */
export function processDirectory(): FleetDirectory {
  globalForWorker.shiplogFleetDirectory ??= new FleetDirectory();
  return globalForWorker.shiplogFleetDirectory;
}

/** Applies the deliveries that are due now, then returns; deliveries waiting for a retry stay. */
export async function processPendingDeliveries(
  options: WorkerOptions & { limit?: number; concurrency?: number } = {},
): Promise<DrainSummary> {
  const context = workerContext(options);
  const summary: DrainSummary = { processed: 0, ignored: 0, failed: 0, quarantined: 0 };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let reserved = 0;
  let failure: { error: unknown } | undefined;
  await runSlots(context, options.concurrency ?? 1, {
    reserve: () => {
      if (failure) return 0;
      const granted = Math.max(0, Math.min(context.batchSize, limit - reserved));
      reserved += granted;
      return granted;
    },
    unreserve: (count) => (reserved -= count),
    onResult: (result) => count(summary, result),
    // Nothing due and nothing in flight: drained.
    onIdle: async () => "stop",
    onError: (error) => {
      failure ??= { error };
      return "stop";
    },
  });
  if (failure) throw failure.error;
  return summary;
}

/** How a worker runs, as its start is logged: "2 slot(s), polling every 250 ms". */
export function describeWorkerSlots(concurrency: number, pollIntervalMs: number = DEFAULT_POLL_INTERVAL_MS): string {
  return `${concurrency} slot(s), polling every ${pollIntervalMs} ms`;
}

/** Applies deliveries as they come until `signal` aborts; in-flight deliveries finish first. */
export async function runWorker(
  options: WorkerOptions & {
    signal: AbortSignal;
    concurrency?: number;
    pollIntervalMs?: number;
    listen?: boolean;
    /** Log the "started" line (default true). The inline worker says it before the web server answers instead. */
    announce?: boolean;
  },
): Promise<void> {
  const context = workerContext(options);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const wakeUp = new WakeUp(options.signal);
  const listener =
    options.listen === false
      ? undefined
      : listenForDeliveries(databaseUrl(), DELIVERY_CHANNEL, {
          log: context.log,
          onNotification: (payload) => {
            if (payload === REBUILT_NOTIFICATION) context.directory.clear();
            wakeUp.wake();
          },
          // The database is back (it restarted, or failed over): what was stored meanwhile is due now.
          onReconnect: () => wakeUp.wake(),
        });
  if (options.announce !== false) context.log.info(`[worker] started: ${describeWorkerSlots(options.concurrency ?? 1, pollIntervalMs)}`);
  try {
    await runSlots(context, options.concurrency ?? 1, {
      reserve: () => (options.signal.aborted ? 0 : context.batchSize),
      onIdle: async (reason) => {
        // Back off longer while the database is away, so a down database is not hammered.
        await wakeUp.wait(reason === "unavailable" ? Math.max(pollIntervalMs, 2_000) : pollIntervalMs);
        return options.signal.aborted ? "stop" : "continue";
      },
    });
  } finally {
    await listener?.close();
    context.log.info("[worker] stopped");
  }
}

type WorkerContext = ApplyOptions & { db: Db; directory: FleetDirectory; batchSize: number; onApplied?: (result: ApplyResult) => void };

function workerContext(options: WorkerOptions): WorkerContext {
  return {
    db: options.db ?? getDb(),
    directory: options.directory ?? processDirectory(),
    retry: { ...defaultRetryPolicy, ...options.retry },
    log: options.log ?? consoleLog(),
    transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000,
    batchSize: Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE),
    onApplying: options.onApplying,
    onApplied: options.onApplied,
  };
}

// Large enough that a transaction's fixed cost is spread thin, small enough that a batch which
// falls back to single transactions redoes little and row locks are not held for long.
const DEFAULT_BATCH_SIZE = 25;

type IdleReason = "drained" | "paused" | "unavailable";

type SlotHooks = {
  /** How many deliveries the slot may take now (0: the slot ends). */
  reserve: () => number;
  /** The part of a reservation that found nothing to take. */
  unreserve?: (count: number) => void;
  onResult?: (result: ApplyResult) => void;
  /** Nothing to take: "continue" after waiting, or "stop" this slot. */
  onIdle: (reason: IdleReason) => Promise<"continue" | "stop">;
  /** Any error taking or applying a delivery; default: log it and idle (longer when the database is away). */
  onError?: (error: unknown) => "continue" | "stop";
};

async function runSlots(context: WorkerContext, concurrency: number, hooks: SlotHooks): Promise<void> {
  const feed = new DeliveryFeed(context, Math.max(50, concurrency * 10));
  const slot = async () => {
    for (let wanted = hooks.reserve(); wanted > 0; wanted = hooks.reserve()) {
      let idle: IdleReason | undefined;
      let taken = 0;
      try {
        const ids = await feed.take(wanted);
        taken = ids.length;
        if (taken < wanted) hooks.unreserve?.(wanted - taken);
        if (taken === 0) {
          if (feed.inFlight > 0) {
            // Another slot is applying deliveries; their keys' next ones may be due after them.
            await feed.progress();
            continue;
          }
          idle = "drained";
        } else {
          const started = performance.now();
          const results = await traceWorkerBatch(ids.length, () => feed.apply(ids));
          recordWorkerBatch(results, (performance.now() - started) / 1000);
          for (const result of results) {
            context.onApplied?.(result);
            hooks.onResult?.(result);
            // A rebuild replaces the rows the directory remembers.
            if (result.kind === "PAUSED") idle = "paused";
          }
          if (idle === "paused") context.directory.clear();
        }
      } catch (error) {
        if (taken === 0) hooks.unreserve?.(wanted);
        feed.reset();
        if (hooks.onError) {
          if (hooks.onError(error) === "stop") return;
        } else if (isDatabaseUnavailable(error)) {
          context.log.warn(`[worker] database unavailable: ${describe(error)}`);
        } else {
          context.log.error(`[worker] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
        idle = "unavailable";
      }
      if (idle && (await hooks.onIdle(idle)) === "stop") return;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, slot));
}

/**
 * Due delivery ids for this process's slots, read in batches (one query serves many
 * deliveries). A key's due deliveries go to one slot together, in order, and while a slot applies
 * them no other slot of this process is handed any delivery of that key; ids a slot is applying
 * are never handed out twice. A batch whose every delivery was skipped (taken by another
 * process) ends in idleness rather than an immediate re-read, so a busy neighbour is not polled
 * in a tight loop.
 */
class DeliveryFeed {
  private queue: DueDelivery[] = [];
  private reading: Promise<void> | undefined;
  /** The ids slots are applying, with their keys. */
  private readonly applying = new Map<bigint, string | null>();
  /** How many ids of each key slots are applying. */
  private readonly applyingKeys = new Map<string, number>();
  private batchApplied = true;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly context: WorkerContext,
    private readonly batchSize: number,
  ) {}

  get inFlight(): number {
    return this.applying.size;
  }

  /** Up to `count` due ids, whole keys where they fit (none: nothing due now). */
  async take(count: number): Promise<bigint[]> {
    for (;;) {
      const taken = this.takeQueued(count);
      if (taken.length > 0) {
        // Claimed at once, so a slot reading meanwhile cannot hand them out again.
        for (const delivery of taken) {
          this.applying.set(delivery.id, delivery.orderingKey);
          if (delivery.orderingKey !== null) this.applyingKeys.set(delivery.orderingKey, (this.applyingKeys.get(delivery.orderingKey) ?? 0) + 1);
        }
        return taken.map((delivery) => delivery.id);
      }
      if (!this.batchApplied) {
        // Everything in the last batch was someone else's: idle once before reading again.
        this.batchApplied = true;
        return [];
      }
      this.reading ??= this.read().finally(() => (this.reading = undefined));
      await this.reading;
      if (this.queue.length === 0) return [];
    }
  }

  /** Applies ids handed out by take(), in one transaction when there are several. */
  async apply(ids: bigint[]): Promise<ApplyResult[]> {
    try {
      const results = await applyDeliveries(this.context.db, this.context.directory, ids, this.context);
      if (results.some((result) => result.kind !== "SKIPPED")) this.batchApplied = true;
      return results;
    } finally {
      for (const id of ids) {
        const key = this.applying.get(id);
        this.applying.delete(id);
        if (key === undefined || key === null) continue;
        const left = (this.applyingKeys.get(key) ?? 1) - 1;
        if (left > 0) this.applyingKeys.set(key, left);
        else this.applyingKeys.delete(key);
      }
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves when some slot finishes a delivery. */
  progress(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  reset(): void {
    this.queue = [];
    this.batchApplied = true;
  }

  /**
   * Takes queued deliveries oldest first, each with the rest of its key's: a key goes to one
   * slot whole. A key that does not fit in what is left of `count` waits for the next take, unless
   * nothing was taken yet: then its oldest `count` go, and the rest of it is read again later.
   */
  private takeQueued(count: number): DueDelivery[] {
    const taken: DueDelivery[] = [];
    while (taken.length < count && this.queue.length > 0) {
      const first = this.queue[0]!;
      const key = first.orderingKey;
      const group = key === null ? [first] : this.queue.filter((delivery) => delivery.orderingKey === key);
      if (taken.length + group.length > count && taken.length > 0) break;
      taken.push(...group.slice(0, count - taken.length));
      this.queue = key === null ? this.queue.slice(1) : this.queue.filter((delivery) => delivery.orderingKey !== key);
    }
    return taken;
  }

  private async read(): Promise<void> {
    const due = await findDueDeliveries(this.context.db, this.batchSize);
    // A key a slot is applying now is read again once it is done: its next deliveries must follow.
    this.queue = due.filter((delivery) => !this.applying.has(delivery.id) && !(delivery.orderingKey !== null && this.applyingKeys.has(delivery.orderingKey)));
    this.batchApplied = this.queue.length === 0;
  }
}

/** A sleep that ends early on wake() (a NOTIFY) or when the signal aborts. */
class WakeUp {
  private pending: (() => void)[] = [];
  private woken = false;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener("abort", () => this.wake(), { once: true });
  }

  wake(): void {
    this.woken = true;
    for (const resolve of this.pending.splice(0)) resolve();
  }

  async wait(ms: number): Promise<void> {
    if (this.signal.aborted) return;
    // A notification that came while every slot was busy still counts.
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pending = this.pending.filter((candidate) => candidate !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending.push(done);
    });
    this.woken = false;
  }
}

function count(summary: DrainSummary, result: ApplyResult): void {
  if (result.kind === "PROCESSED") summary.processed += 1;
  else if (result.kind === "IGNORED") summary.ignored += 1;
  else if (result.kind === "FAILED") summary.failed += 1;
  else if (result.kind === "QUARANTINED") summary.quarantined += 1;
}

/** The process's logger (lib/log/logger.ts), which honours LOG_LEVEL; its component says "worker", so the lines' own prefix goes. */
export function consoleLog(): WorkerLog {
  const log = logger("worker");
  const bare = (line: string) => line.replace(/^\[worker\] /, "");
  return { info: (line) => log.info(bare(line)), warn: (line) => log.warn(bare(line)), error: (line) => log.error(bare(line)) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
