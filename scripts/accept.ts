// `npm run accept`: the dedicated accept server (lib/ingest/accept/webhook-server.ts) on
// SHIPLOG_ACCEPT_PORT: the webhook routes without Next.js, so a fleet's webhooks take a third of
// the CPU they take through the web server and never queue behind pages. Any number can run
// beside the web replicas and the workers; it stores deliveries and processes none. SIGTERM or
// SIGINT stop it gracefully: no new connection is taken, requests in flight finish, then it exits.
import { closeDb } from "../lib/db/client";
import { config, ConfigError, databaseUrl } from "../lib/env";
import { closeDeliveryPool } from "../lib/ingest/accept/delivery-pool";
import { serveWebhooks } from "../lib/ingest/accept/webhook-server";
import { limitHeapGrowth } from "../lib/ops/limit-heap-growth";

limitHeapGrowth();

let settings: ReturnType<typeof config>;
try {
  databaseUrl();
  settings = config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const server = await serveWebhooks({ port: settings.SHIPLOG_ACCEPT_PORT, metricsToken: settings.SHIPLOG_METRICS_TOKEN }).catch((error: NodeJS.ErrnoException) => {
  console.error(
    error.code === "EADDRINUSE"
      ? `Port ${settings.SHIPLOG_ACCEPT_PORT} is taken: set SHIPLOG_ACCEPT_PORT to a free port.`
      : `The accept server could not listen on port ${settings.SHIPLOG_ACCEPT_PORT}: ${error.message}`,
  );
  process.exit(1);
});
console.log(`[accept] listening on port ${server.port}`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    console.log(`[accept] ${signal}: finishing the requests in flight`);
    await server.close();
    await closeDeliveryPool();
    await closeDb();
    process.exit(0);
  });
}
