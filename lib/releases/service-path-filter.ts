// Monorepos: a service's releases count the commits that touched the service's paths
// (services.paths, lib/fleet/record-service-paths.ts) among their git range. release_commits
// keeps the whole range base..release (ancestry, "where is commit X"); this is a view over it
// for the release page and the comparison. A commit counts when the service's paths are not
// known (every commit of the repository counts), when its files are not known (the compare API
// and workflow runs do not say them: it may touch the paths, so it is counted and flagged), or
// when one of its files is one of the paths or lies under one.
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";

export const pathFilterSchema = z
  .object({
    paths: z.array(z.string()).nullable().meta({
      description:
        "Directories of the repository that are the service's code (a monorepo); null when not known, and then every commit of the repository counts.",
    }),
    repositoryCommitCount: z.number().int().meta({ description: "Commits of the repository in the range, touching the paths or not." }),
    otherPathsCommitCount: z.number().int().meta({ description: "Commits of the range left out: their files are known and none is under the paths." }),
    unknownFilesCommitCount: z.number().int().meta({
      description: "Commits counted although which files they touched is not known (from GitHub's compare API or a workflow run, or more than 300 files).",
    }),
    summary: z.string().meta({ description: "The above in a sentence, as the release page says it." }),
  })
  .meta({ id: "CommitPathFilter" });

export type PathFilter = z.output<typeof pathFilterSchema>;

/** True for a commit that counts for a service (see above); both arguments are text[] expressions. */
export function commitCountsForPaths(commitPaths: Prisma.Sql, servicePaths: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${servicePaths} IS NULL OR ${commitPaths} IS NULL OR EXISTS (
    SELECT 1 FROM unnest(${commitPaths}) AS file, unnest(${servicePaths}) AS dir WHERE file = dir OR starts_with(file, dir || '/')))`;
}

/** The counts over a range of commits (alias `c`), as columns repository_commits, counted, other_paths, unknown_files. */
export function pathFilterCounts(servicePaths: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`count(*)::int AS repository_commits,
    count(*) FILTER (WHERE ${commitCountsForPaths(Prisma.sql`c.paths`, servicePaths)})::int AS counted,
    count(*) FILTER (WHERE NOT ${commitCountsForPaths(Prisma.sql`c.paths`, servicePaths)})::int AS other_paths,
    count(*) FILTER (WHERE ${servicePaths} IS NOT NULL AND c.paths IS NULL)::int AS unknown_files`;
}

export function describePathFilter(paths: string[] | null, counts: { repository: number; otherPaths: number; unknownFiles: number }): PathFilter {
  return {
    paths,
    repositoryCommitCount: counts.repository,
    otherPathsCommitCount: counts.otherPaths,
    unknownFilesCommitCount: counts.unknownFiles,
    summary: summarise(paths, counts),
  };
}

function summarise(paths: string[] | null, counts: { otherPaths: number; unknownFiles: number }): string {
  if (paths === null) return "The service's paths in its repository are not known: every commit of the repository counts.";
  const named = paths.map((path) => `${path}/`).join(", ");
  const parts = [`Commits that touched ${named}.`];
  if (counts.otherPaths > 0) parts.push(`${plural(counts.otherPaths)} of the repository did not touch ${named} and ${counts.otherPaths === 1 ? "is" : "are"} not listed.`);
  if (counts.unknownFiles > 0) {
    parts.push(`${plural(counts.unknownFiles)} ${counts.unknownFiles === 1 ? "is" : "are"} counted although the files ${counts.unknownFiles === 1 ? "it" : "they"} touched are not known.`);
  }
  return parts.join(" ");
}

function plural(count: number): string {
  return count === 1 ? "1 commit" : `${count.toLocaleString("en-US")} commits`;
}
