// Baseline for webhook accept: the same work as POST /api/webhooks/{github,argocd} with nothing
// but node:http and pg. Verify the HMAC signature (GitHub) or bearer token (Argo CD), parse the
// JSON, derive the same delivery id and ordering key, keep the same headers, and store the raw
// row with the same single INSERT + pg_notify statement Shiplog uses (lib/ingest/accept/accept-delivery.ts),
// into the same table, so its partitions and its idempotency trigger cost the baseline as much.
// Pure helpers of lib/ingest are reused so both sides compute exactly the same row; zod,
// Next.js and Prisma are what the baseline leaves out.
//
// The rows are stored already PROCESSED, so the worker never applies the baseline's deliveries,
// and NOTIFY goes to a channel no one listens on: the commit still pays for the notification
// queue, as Shiplog's does.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import type { ArgocdNotification } from "../../../lib/ingest/accept/argocd-notification";
import { deriveArgocdDeliveryId } from "../../../lib/ingest/accept/derive-argocd-delivery-id";
import { pickDeliveryHeaders } from "../../../lib/ingest/accept/pick-delivery-headers";
import { verifyGithubSignature } from "../../../lib/ingest/accept/verify-github-signature";
import type { BaselineRoute } from "../baseline-server";

/** Scratch schema for baseline copies of tables (the processing scenario's COPY target). */
export const BASELINE_SCHEMA = "bench_baseline";
const BASELINE_CHANNEL = "shiplog_bench_baseline";

// Read once at start: the bench starts the baseline server with the web server's settings.
const githubSecrets = (process.env.GITHUB_WEBHOOK_SECRET ?? "").split(",").map((secret) => secret.trim()).filter(Boolean);
const argocdTokenHashes = (process.env.ARGOCD_WEBHOOK_TOKENS ?? "")
  .split(",")
  .map((token) => token.trim())
  .filter(Boolean)
  .map((token) => createHash("sha256").update(token).digest());

type Row = { source: "GITHUB" | "ARGOCD"; deliveryId: string; event: string; orderingKey: string | null; headers: Record<string, string>; body: string };

async function store(pool: pg.Pool, res: ServerResponse, row: Row): Promise<void> {
  const { rows } = await pool.query<{ count: number }>(
    `WITH inserted AS (
       INSERT INTO webhook_deliveries (source, delivery_id, event, ordering_key, headers, body, status)
       VALUES ($1::"DeliverySource", $2, $3, $4, $5::jsonb, $6, 'PROCESSED')
       RETURNING id
     )
     SELECT count(*)::int AS count, (SELECT pg_notify($7, '') WHERE EXISTS (SELECT 1 FROM inserted)) IS NOT NULL AS notified
     FROM inserted`,
    [row.source, row.deliveryId, row.event, row.orderingKey, JSON.stringify(row.headers), row.body, BASELINE_CHANNEL],
  );
  const status = rows[0]?.count === 1 ? "accepted" : "duplicate";
  answer(res, status === "accepted" ? 202 : 200, { status, deliveryId: row.deliveryId });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  return headers;
}

function parseObject(body: Buffer): Record<string, any> | undefined {
  try {
    const json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)) as unknown;
    return typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

const github: BaselineRoute = {
  method: "POST",
  path: "/api/webhooks/github",
  handle: async (req, res, body, pool) => {
    const signature = req.headers["x-hub-signature-256"];
    const index = verifyGithubSignature(githubSecrets, body, typeof signature === "string" ? signature : null);
    if (index === undefined) return answer(res, 401, { error: "bad signature" });
    const event = req.headers["x-github-event"];
    const deliveryId = req.headers["x-github-delivery"];
    if (typeof event !== "string" || typeof deliveryId !== "string") return answer(res, 400, { error: "missing headers" });
    const json = parseObject(body);
    if (!json) return answer(res, 400, { error: "not a JSON object" });
    const repository = json.repository?.full_name;
    await store(pool, res, {
      source: "GITHUB",
      deliveryId,
      event,
      orderingKey: typeof repository === "string" ? repository : null,
      headers: pickDeliveryHeaders(headersOf(req), { label: `GITHUB_WEBHOOK_SECRET[${index}]` }),
      body: body.toString("utf8"),
    });
  },
};

const argocd: BaselineRoute = {
  method: "POST",
  path: "/api/webhooks/argocd",
  handle: async (req, res, body, pool) => {
    const presented = /^Bearer[ \t]+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const hash = presented === undefined ? undefined : createHash("sha256").update(presented).digest();
    const index = hash === undefined ? -1 : argocdTokenHashes.findIndex((candidate) => timingSafeEqual(candidate, hash));
    if (index < 0) return answer(res, 401, { error: "bad token" });
    const json = parseObject(body);
    const metadata = json?.app?.metadata;
    if (!json || typeof json.event !== "string" || typeof json.instance !== "string" || typeof metadata?.name !== "string" || typeof metadata?.namespace !== "string") {
      return answer(res, 400, { error: "not an Argo CD notification" });
    }
    await store(pool, res, {
      source: "ARGOCD",
      deliveryId: deriveArgocdDeliveryId(json as ArgocdNotification),
      event: json.event,
      orderingKey: `${json.instance}/${metadata.namespace}/${metadata.name}`,
      headers: pickDeliveryHeaders(headersOf(req), { label: `ARGOCD_WEBHOOK_TOKENS[${index}]` }),
      body: body.toString("utf8"),
    });
  },
};

export const routes: BaselineRoute[] = [github, argocd];
