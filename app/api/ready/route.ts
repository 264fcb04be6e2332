// Readiness: 200 when the database answers and no migration is pending, else 503 with the reason.
import { connection } from "next/server";
import { getDb } from "@/lib/db/client";
import { checkReadiness } from "@/lib/ops/check-readiness";

export async function GET() {
  await connection(); // never prerendered or cached: every probe asks the database
  const readiness = await checkReadiness(getDb);
  if (readiness.status !== "ready") console.warn(`[ready] not ready: ${readiness.reason}: ${readiness.detail}`);
  return Response.json(readiness, {
    status: readiness.status === "ready" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
