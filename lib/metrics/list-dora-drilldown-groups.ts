// The rows behind a DORA number counted per team or per service, by the database: the drill-downs'
// grouping. `rows` is one of the drill-down statements (deployments, lead-time samples,
// incidents); each has the service_id and team_id of its deployment. The largest groups come
// first; at most MAX_GROUPS are returned, with the number of groups there are.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";

export const DRILLDOWN_GROUPINGS = ["team", "service"] as const;
export type DrilldownGrouping = (typeof DRILLDOWN_GROUPINGS)[number];
export const MAX_GROUPS = 100;

export const drilldownGroupsSchema = z
  .object({
    by: z.enum(DRILLDOWN_GROUPINGS),
    count: z.number().int().meta({ description: `How many groups there are; at most ${MAX_GROUPS} are listed.` }),
    items: z.array(
      z.object({
        key: z.string().nullable().meta({ description: "Team slug or service name; null for the rows of services without a team." }),
        name: z.string().meta({ description: "Team name (“No team” for null) or service name." }),
        count: z.number().int().meta({ description: "Rows of the list in this group." }),
      }),
    ),
  })
  .nullable()
  .meta({ id: "DoraDrilldownGroups", description: "With `group`: the whole list's rows counted per team or service, largest first; null without." });

export type DrilldownGroups = z.output<typeof drilldownGroupsSchema>;

type GroupRow = { key: string | null; name: string; count: number; groupCount: number };

export async function listDoraDrilldownGroups(rows: Prisma.Sql, by: DrilldownGrouping, db: DbOrTx = readDb()): Promise<NonNullable<DrilldownGroups>> {
  const found =
    by === "team"
      ? await db.$queryRaw<GroupRow[]>`/* dora drill-down groups by team */
          SELECT t.slug AS key, coalesce(t.name, 'No team') AS name, count(*)::int AS count, (count(*) OVER ())::int AS "groupCount"
          FROM (${rows}) x LEFT JOIN teams t ON t.id = x.team_id
          GROUP BY t.slug, t.name
          ORDER BY count(*) DESC, coalesce(t.name, 'No team'), t.slug
          LIMIT ${MAX_GROUPS}`
      : await db.$queryRaw<GroupRow[]>`/* dora drill-down groups by service */
          SELECT s.name AS key, s.name AS name, count(*)::int AS count, (count(*) OVER ())::int AS "groupCount"
          FROM (${rows}) x JOIN services s ON s.id = x.service_id
          GROUP BY s.name
          ORDER BY count(*) DESC, s.name
          LIMIT ${MAX_GROUPS}`;
  return { by, count: found[0]?.groupCount ?? 0, items: found.map(({ key, name, count }) => ({ key, name, count })) };
}
