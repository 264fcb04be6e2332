// A DORA scope as people name it (team slug, service name) → ids; null when a name is unknown.
import { readDb, type DbOrTx } from "../db/client";

export type DoraScopeNames = { team?: string; service?: string };
export type DoraScope = { teamId: number | null; serviceId: number | null; team: string | null; service: string | null };

export async function resolveDoraScope(names: DoraScopeNames, db: DbOrTx = readDb()): Promise<DoraScope | null> {
  let teamId: number | null = null;
  let serviceId: number | null = null;
  if (names.team) {
    const team = await db.team.findUnique({ where: { slug: names.team }, select: { id: true } });
    if (!team) return null;
    teamId = team.id;
  }
  if (names.service) {
    const service = await db.service.findUnique({ where: { name: names.service }, select: { id: true } });
    if (!service) return null;
    serviceId = service.id;
  }
  return { teamId, serviceId, team: names.team ?? null, service: names.service ?? null };
}
