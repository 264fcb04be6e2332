// GET /api/v1/audit: the audit log for admins, newest first, keyset-paged, filterable. There is
// no route that edits or deletes audit events (and the database refuses it).
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { listAuditEvents, listAuditEventsQuery } from "@/lib/audit/list-audit-events";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";

export const GET = withErrorHandling(async (request) => {
  await requirePermission(request, "admin");
  return jsonResponse(await listAuditEvents(readSearchParams(listAuditEventsQuery, request)));
});
