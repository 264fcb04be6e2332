// The tokens a person may see: their own personal tokens, and for a fleet-wide admin every
// service token as well. Live ones first, newest first; a handful per person, so one unpaged read.
import { can, type Viewer } from "../auth/roles";
import { type DbOrTx, getDb } from "../db/client";
import { type ApiTokenView, apiTokenViewSelect, toApiTokenView } from "./api-token-view";

export async function listApiTokens(viewer: Pick<Viewer, "id" | "grants">, { db = getDb(), now = new Date() }: { db?: DbOrTx; now?: Date } = {}): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({
    where: { OR: [{ kind: "personal", userId: viewer.id }, ...(can(viewer, "admin") ? [{ kind: "service" as const }] : [])] },
    select: apiTokenViewSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 1000,
  });
  const views = rows.map((row) => toApiTokenView(row, now));
  return views.sort((a, b) => Number(a.status !== "active") - Number(b.status !== "active"));
}
