// The choices the timeline's filter form offers as select lists: teams, environments (in
// promotion order), regions and statuses. Small tables (hundreds of rows at 5,000 services),
// read at most once a minute per process: a team created a moment ago may be missing from the
// list for that minute, and can still be typed into the URL.
import { readDb, type DbOrTx } from "../db/client";
import { DeploymentStatus } from "../generated/prisma/enums";

export type TimelineFilterOptions = {
  teams: { slug: string; name: string }[];
  environments: string[];
  regions: string[];
  statuses: DeploymentStatus[];
};

const CACHE_MS = 60_000;

let cached: { at: number; options: Promise<TimelineFilterOptions> } | undefined;

export function listTimelineFilterOptions(db: DbOrTx = readDb(), now = Date.now()): Promise<TimelineFilterOptions> {
  if (cached && now - cached.at < CACHE_MS) return cached.options;
  const options = readOptions(db);
  cached = { at: now, options };
  // A failed read is not remembered: the next page view tries again.
  options.catch(() => {
    if (cached?.options === options) cached = undefined;
  });
  return options;
}

async function readOptions(db: DbOrTx): Promise<TimelineFilterOptions> {
  const [teams, environments, regions] = await Promise.all([
    db.team.findMany({ select: { slug: true, name: true }, orderBy: { slug: "asc" } }),
    db.environment.findMany({ select: { name: true }, orderBy: [{ rank: "asc" }, { name: "asc" }] }),
    db.$queryRaw<{ region: string }[]>`SELECT DISTINCT region FROM clusters WHERE region IS NOT NULL ORDER BY region`,
  ]);
  return {
    teams,
    environments: environments.map((environment) => environment.name),
    regions: regions.map((row) => row.region),
    statuses: Object.values(DeploymentStatus),
  };
}
