// What /metrics offers to choose from: teams (a selector) and environments (the production
// choice of the definitions form). Services are typed, not listed: a fleet has thousands.
import { readDb, type DbOrTx } from "../db/client";

export type DoraScopeOptions = {
  teams: { slug: string; name: string }[];
  environments: { name: string; isProduction: boolean }[];
};

export async function listDoraScopeOptions(db: DbOrTx = readDb()): Promise<DoraScopeOptions> {
  const [teams, environments] = await Promise.all([
    db.team.findMany({ select: { slug: true, name: true }, orderBy: { slug: "asc" } }),
    db.environment.findMany({ select: { name: true, isProduction: true }, orderBy: [{ rank: "asc" }, { name: "asc" }] }),
  ]);
  return { teams, environments };
}
