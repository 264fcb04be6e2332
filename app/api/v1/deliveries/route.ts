// GET /api/v1/deliveries: failed (retrying or quarantined) webhook deliveries, newest first, keyset-paged.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { listDeliveries, listDeliveriesQuery } from "@/lib/ingest/status/list-deliveries";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  return jsonResponse(await listDeliveries(readSearchParams(listDeliveriesQuery, request)));
});
