// POST /api/webhooks/github: GitHub webhooks (docs/webhooks.md).
// The handler is lib/ingest/accept/webhook-routes.ts, which the dedicated accept server (`npm run accept`) serves too.
import { WEBHOOK_ROUTES } from "@/lib/ingest/accept/webhook-routes";

export const POST = WEBHOOK_ROUTES.github;
