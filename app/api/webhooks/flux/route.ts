// POST /api/webhooks/flux: Flux notification-controller's generic / generic-hmac Provider (docs/setup-flux.md).
// The handler is lib/ingest/accept/webhook-routes.ts, which the dedicated accept server (`npm run accept`) serves too.
import { WEBHOOK_ROUTES } from "@/lib/ingest/accept/webhook-routes";

export const POST = WEBHOOK_ROUTES.flux;
