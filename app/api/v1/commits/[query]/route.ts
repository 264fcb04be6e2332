// GET /api/v1/commits/{sha}: where the commits with this SHA (prefix) run now; 404 when none has it.
import { readPathParams } from "@/lib/api/read-path-params";
import { jsonResponse } from "@/lib/api/json-response";
import { readDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/app-error";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { commitShaParams, type CommitLookup } from "@/lib/trace/commit-lookup-schema";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";

export const GET = withErrorHandling<{ params: Promise<{ query: string }> }>(async (request, { params }) => {
  await requireReader(request);
  const { query } = readPathParams(commitShaParams, await params);
  const matches = await findCommitLocations(readDb(), query);
  if (matches.length === 0) throw new AppError("not_found", `No known commit starts with ${query.kind === "sha" ? query.prefix : "that"}.`);
  return jsonResponse({ query, matches } satisfies CommitLookup);
});
