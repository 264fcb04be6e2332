// Readiness: 200 when the database answers and no migration is pending, else 503 with the reason
// (lib/ops/readiness-response.ts, which the accept server answers with too).
import { connection } from "next/server";
import { readinessResponse } from "@/lib/ops/readiness-response";

export async function GET() {
  await connection(); // never prerendered or cached: every probe asks the database
  return readinessResponse();
}
