// `npm run replay -- [--source argocd|github|build] [--since <ISO time>] [--status failed,quarantined,…] [--no-process]`
// `npm run replay -- --rebuild`
// Puts stored deliveries back in the queue and applies them (unless --no-process leaves that to
// the running workers). --rebuild empties every projection and rebuilds it from all stored
// deliveries in received order; workers elsewhere pause meanwhile. See lib/ingest/replay/replay-deliveries.ts.
import { parseArgs } from "node:util";
import { closeDb } from "../lib/db/client";
import { ConfigError, databaseUrl } from "../lib/env";
import { DeliverySource, DeliveryStatus } from "../lib/generated/prisma/enums";
import { rebuildProjections, RebuildRefusedError, replayDeliveries } from "../lib/ingest/replay/replay-deliveries";
import { processPendingDeliveries } from "../lib/ingest/queue/worker";

class UsageError extends Error {}

const { values } = parseArgs({
  options: {
    source: { type: "string" },
    since: { type: "string" },
    status: { type: "string" },
    rebuild: { type: "boolean", default: false },
    "no-process": { type: "boolean", default: false },
    concurrency: { type: "string", default: "4" },
  },
});

function enumValue<T extends string>(name: string, raw: string, allowed: Record<string, T>): T {
  const value = raw.trim().toUpperCase();
  if (!Object.hasOwn(allowed, value)) {
    throw new UsageError(`--${name} must be one of ${Object.keys(allowed).map((key) => key.toLowerCase()).join(", ")} (got ${raw})`);
  }
  return allowed[value]!;
}

async function main(): Promise<void> {
  databaseUrl();
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number (got ${values.concurrency})`);
  if (values.rebuild) {
    if (values.source || values.since || values.status || values["no-process"]) {
      throw new UsageError("--rebuild applies every stored delivery; it takes no --source, --since, --status or --no-process");
    }
    const summary = await rebuildProjections();
    console.log(JSON.stringify(summary));
    return;
  }
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since must be an ISO 8601 time, e.g. 2026-03-10T09:00:00Z (got ${values.since})`);
  const requeued = await replayDeliveries({
    source: values.source === undefined ? undefined : enumValue("source", values.source, DeliverySource),
    since,
    statuses: values.status?.split(",").map((status) => enumValue("status", status, DeliveryStatus)),
  });
  console.log(`Re-queued ${requeued} deliveries.`);
  if (values["no-process"] || requeued === 0) return;
  const summary = await processPendingDeliveries({ concurrency });
  console.log(JSON.stringify(summary));
}

try {
  await main();
} catch (error) {
  if (!(error instanceof UsageError || error instanceof ConfigError || error instanceof RebuildRefusedError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await closeDb();
}
