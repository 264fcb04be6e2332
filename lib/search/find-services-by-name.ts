// Services whose name matches what was typed into the header's search: the exact
// name first (ignoring case), then names starting with it, then names containing it, each by
// name, at most `limit`. ILIKE over a few thousand names is about a millisecond
// (docs/api.md), so no trigram index. A replica's lag is fine: services appear once and stay.
import { readDb, type DbOrTx } from "../db/client";
import { containsPattern } from "../db/contains-pattern";

/** `team` by its name, as every other page shows it (the slug is what URLs and filters use). */
export type ServiceMatch = { name: string; team: { slug: string; name: string } | null; exact: boolean };

export async function findServicesByName(text: string, { limit = 20 }: { limit?: number } = {}, db: DbOrTx = readDb()): Promise<ServiceMatch[]> {
  const value = text.trim();
  // PostgreSQL's text holds no NUL (it would refuse the parameter, 22021): no name contains one.
  if (value === "" || value.includes("\u0000")) return [];
  const prefix = `${value.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const rows = await db.$queryRaw<{ name: string; team_slug: string | null; team_name: string | null; exact: boolean }[]>`
    SELECT s.name, t.slug AS team_slug, t.name AS team_name, lower(s.name) = lower(${value}) AS exact
    FROM services s LEFT JOIN teams t ON t.id = s.team_id
    WHERE s.name ILIKE ${containsPattern(value)}
    ORDER BY lower(s.name) = lower(${value}) DESC, s.name ILIKE ${prefix} DESC, s.name
    LIMIT ${limit}`;
  return rows.map((row) => ({ name: row.name, team: row.team_slug === null ? null : { slug: row.team_slug, name: row.team_name ?? row.team_slug }, exact: row.exact }));
}
