// POST /api/webhooks/argocd: Argo CD Notifications (docs/webhooks.md). Authenticate the bearer
// token, read and check the body, store it once, answer 202 (200 for a duplicate).
import { getDb } from "@/lib/db/client";
import { config } from "@/lib/env";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { acceptDelivery, deliveryResponse } from "@/lib/ingest/accept/accept-delivery";
import { countDeliveries } from "@/lib/ingest/accept/count-deliveries";
import { deliveryPool } from "@/lib/ingest/accept/delivery-pool";
import { authenticateBearer } from "@/lib/ingest/accept/authenticate-bearer";
import { parseArgocdDelivery } from "@/lib/ingest/accept/parse-argocd-delivery";
import { BODY_LIMITS, readBodyWithLimit, rejectDeclaredOversize } from "@/lib/ingest/accept/read-body-with-limit";

export const POST = countDeliveries(
  "ARGOCD",
  withErrorHandling(async (request) => {
    const db = getDb();
    rejectDeclaredOversize(request, BODY_LIMITS.ARGOCD);
    const credential = await authenticateBearer(db, request, "ARGOCD", config().ARGOCD_WEBHOOK_TOKENS);
    const body = await readBodyWithLimit(request, BODY_LIMITS.ARGOCD);
    const delivery = parseArgocdDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);
