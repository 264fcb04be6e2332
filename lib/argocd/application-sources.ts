// Every source of a multi-source Argo CD application (spec.sources, Argo CD 2.6+): the config
// repository and path of each, the chart and version of a Helm source, the `ref` a values source
// is known by, and the revision each one is synced to (status.sync.revisions, same order). Kept
// in applications.sources; the single `source` fields stay the first source with a repository,
// as before, so everything built on them reads what it did. Read back with the same schema.
import { z } from "zod";

export const applicationSourceSchema = z
  .object({
    repoUrl: z.string().nullable().meta({ description: "The source's repository (Git or Helm)." }),
    path: z.string().nullable().meta({ description: "Directory in a Git repository." }),
    chart: z.string().nullable().meta({ description: "Helm chart name, for a Helm repository source." }),
    targetRevision: z.string().nullable().meta({ description: "Branch, tag, commit or chart version asked for." }),
    ref: z.string().nullable().meta({ description: "The name other sources use for this one ($values/…)." }),
    name: z.string().nullable().meta({ description: "The source's name (Argo CD 2.14+)." }),
    syncedRevision: z.string().nullable().meta({ description: "The commit or chart version synced (status.sync.revisions)." }),
  })
  .meta({ id: "ApplicationSource" });

export type ApplicationSource = z.infer<typeof applicationSourceSchema>;

export const applicationSourcesSchema = z.array(applicationSourceSchema);

type SpecSource = { repoURL?: string | null; path?: string | null; chart?: string | null; targetRevision?: string | null; ref?: string | null; name?: string | null };

/** The sources of spec.sources with the revision each is synced to; [] for a single-source application. */
export function applicationSourcesOf(sources: readonly SpecSource[] | null | undefined, syncedRevisions: readonly string[] | null | undefined): ApplicationSource[] {
  return (sources ?? []).map((source, index) => ({
    repoUrl: source.repoURL || null,
    path: source.path || null,
    chart: source.chart || null,
    targetRevision: source.targetRevision || null,
    ref: source.ref || null,
    name: source.name || null,
    syncedRevision: syncedRevisions?.[index] || null,
  }));
}
