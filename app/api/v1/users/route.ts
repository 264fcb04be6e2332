// GET /api/v1/users: people, their grants and live session counts (admin), by email, keyset-paged.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { requirePermission } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { listUsers, listUsersQuery } from "@/lib/users/list-users";

export const GET = withErrorHandling(async (request) => {
  await requirePermission(request, "admin");
  return jsonResponse(await listUsers(readSearchParams(listUsersQuery, request)));
});
