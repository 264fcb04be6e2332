// GET /api/v1/commits?q=: where a commit, pull request (owner/repo#12) or ticket key runs now.
// A query string, because `owner/repo#12` cannot travel in a path segment.
import { jsonResponse } from "@/lib/api/json-response";
import { readSearchParams } from "@/lib/api/read-search-params";
import { readDb } from "@/lib/db/client";
import { requireReader } from "@/lib/auth/require-viewer";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { searchCommitsQuery, type CommitLookup } from "@/lib/trace/commit-lookup-schema";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";

export const GET = withErrorHandling(async (request) => {
  await requireReader(request);
  const { q } = readSearchParams(searchCommitsQuery, request);
  return jsonResponse({ query: q, matches: await findCommitLocations(readDb(), q) } satisfies CommitLookup);
});
