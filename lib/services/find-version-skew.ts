// Version skew: one environment whose applications (clusters) run different releases. The
// service page marks such environments and the applications that differ from the version most
// of them run, so a half-finished or stuck rollout stands out.

export type SkewInput = { id: number; release: { id: number; version: string } | null };

export type VersionSkew = {
  /** The distinct versions running, most applications first (ties: by version). */
  versions: { version: string; applications: number }[];
  /** True when more than one version runs. Applications with no known release are not counted. */
  skewed: boolean;
  /** The version most applications run, or null when none is known. */
  majority: string | null;
  /** Ids of applications that run a known version other than the majority. */
  outliers: number[];
};

export function findVersionSkew(applications: readonly SkewInput[]): VersionSkew {
  const counts = new Map<string, number>();
  for (const application of applications) {
    if (application.release) counts.set(application.release.version, (counts.get(application.release.version) ?? 0) + 1);
  }
  const versions = [...counts]
    .map(([version, count]) => ({ version, applications: count }))
    .sort((a, b) => b.applications - a.applications || a.version.localeCompare(b.version));
  const majority = versions[0]?.version ?? null;
  return {
    versions,
    skewed: versions.length > 1,
    majority,
    outliers: applications.filter((application) => application.release && application.release.version !== majority).map((application) => application.id),
  };
}
