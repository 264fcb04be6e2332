// POST /api/webhooks/build: CI build reports (docs/webhooks.md). Authenticate the bearer token,
// read and validate the report, store it once, answer 202 (200 for a duplicate).
import { getDb } from "@/lib/db/client";
import { config } from "@/lib/env";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { acceptDelivery, deliveryResponse } from "@/lib/ingest/accept/accept-delivery";
import { countDeliveries } from "@/lib/ingest/accept/count-deliveries";
import { deliveryPool } from "@/lib/ingest/accept/delivery-pool";
import { authenticateBearer } from "@/lib/ingest/accept/authenticate-bearer";
import { parseBuildDelivery } from "@/lib/ingest/accept/parse-build-delivery";
import { BODY_LIMITS, readBodyWithLimit, rejectDeclaredOversize } from "@/lib/ingest/accept/read-body-with-limit";

export const POST = countDeliveries(
  "BUILD",
  withErrorHandling(async (request) => {
    const db = getDb();
    rejectDeclaredOversize(request, BODY_LIMITS.BUILD);
    const credential = await authenticateBearer(db, request, "BUILD", config().BUILD_WEBHOOK_TOKENS);
    const body = await readBodyWithLimit(request, BODY_LIMITS.BUILD);
    const delivery = parseBuildDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);
