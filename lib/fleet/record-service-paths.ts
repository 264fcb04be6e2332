// Keeps services.paths: the directories of the service's repository that are its code, for
// monorepos (lib/releases/service-path-filter.ts narrows its releases' commits to them). It is
// the union of what the service's live applications name (lib/fleet/application-paths.ts),
// computed from the applications rows, which already hold each application's newest labels and
// source: so the answer depends on the rows, never on the order snapshots arrived in. A union,
// not the newest application's answer: applications of one service (per environment, per
// cluster) may be generated from different directories, and a commit touching any of them
// changes what some of them deploy; leaving out a commit that matters is worse than listing
// one more. Null when no application names paths: every commit of the repository counts.
//
// Call after an application's labels or source changed (recordApplicationSnapshot, when the
// snapshot was applied) and after an application was deleted. One read of the service's
// applications by the service_id index, one write only when the answer changed.
import type { DbOrTx } from "../db/client";
import { applicationPaths } from "./application-paths";
import type { ClassificationRules } from "./classify-application";

export async function recordServicePaths(
  db: DbOrTx,
  serviceId: number,
  rules: Pick<ClassificationRules, "pathsLabels">,
): Promise<{ paths: string[] | null; changed: boolean }> {
  const rows = await db.$queryRaw<{ repository: string | null; paths: string[] | null; labels: Record<string, string> | null; repo_url: string | null; path: string | null; manifest_generate_paths: string | null }[]>`
    SELECT s.repository, s.paths, a.labels, a.repo_url, a.path, a.manifest_generate_paths
    FROM services s LEFT JOIN applications a ON a.service_id = s.id AND a.deleted_at IS NULL
    WHERE s.id = ${serviceId}`;
  if (rows.length === 0) return { paths: null, changed: false };
  const { repository, paths: stored } = rows[0]!;
  const union = new Set<string>();
  for (const row of rows) {
    if (row.labels === null) continue;
    for (const path of applicationPaths({ labels: row.labels, manifestGeneratePaths: row.manifest_generate_paths, repoUrl: row.repo_url, path: row.path }, repository, rules) ?? []) union.add(path);
  }
  const paths = union.size === 0 ? null : [...union].sort();
  if (JSON.stringify(paths) === JSON.stringify(stored)) return { paths, changed: false };
  await db.$executeRaw`UPDATE services SET paths = ${paths}::text[] WHERE id = ${serviceId}`;
  return { paths, changed: true };
}
