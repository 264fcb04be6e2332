// Readiness: 200 when the database answers and no migration is pending, else 503 with the reason.
// Anyone may ask, so the answer never carries the database's own error (it names the host and
// port): the log has it.
import { connection } from "next/server";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import { checkReadiness } from "@/lib/ops/check-readiness";

export async function GET() {
  await connection(); // never prerendered or cached: every probe asks the database
  const readiness = await checkReadiness(getDb);
  if (readiness.status !== "ready") logger("ready").warn(`not ready: ${readiness.reason}: ${readiness.detail}`);
  const answer =
    readiness.status === "not_ready" && readiness.reason === "database_unreachable"
      ? { ...readiness, detail: "the database could not be reached; the server's log has the cause" }
      : readiness;
  return Response.json(answer, {
    status: readiness.status === "ready" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
