// POST /api/webhooks/github: GitHub webhooks (docs/webhooks.md). Check the signature header is
// there before reading the body, read the raw body, verify its HMAC signature before parsing anything, store it once through the accept path's own pg pool
// (lib/ingest/accept/delivery-pool.ts: Prisma cost twice the CPU there), answer 202 (200 for a redelivery).
import { config } from "@/lib/env";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { acceptDelivery, deliveryResponse } from "@/lib/ingest/accept/accept-delivery";
import { countDeliveries } from "@/lib/ingest/accept/count-deliveries";
import { deliveryPool } from "@/lib/ingest/accept/delivery-pool";
import { parseGithubDelivery } from "@/lib/ingest/accept/parse-github-delivery";
import { BODY_LIMITS, readBodyWithLimit } from "@/lib/ingest/accept/read-body-with-limit";
import { requireGithubSignature, requireGithubSignatureHeader } from "@/lib/ingest/accept/verify-github-signature";

export const POST = countDeliveries(
  "GITHUB",
  withErrorHandling(async (request) => {
    const secrets = config().GITHUB_WEBHOOK_SECRET;
    // Refused before a byte of the body is read: no secret configured, no or a malformed signature.
    requireGithubSignatureHeader(secrets, request);
    const body = await readBodyWithLimit(request, BODY_LIMITS.GITHUB);
    const credential = requireGithubSignature(secrets, request, body);
    const delivery = parseGithubDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);
