// The promotion chain of one service: its environments in rank order, the releases each runs,
// and for each environment the one before it and whether it is behind. Pure, so the rule is
// tested without a database (tests/lib/environments/chain-environments.test.ts) and the
// service page, the API and the fleet-wide list agree on it.
//
// The rule: environments run in rank order (lower first: dev < staging < prod). The one before
// an environment is the nearest lower rank the service runs in; when several environments share
// that rank (parallel stages), the one of them running the newest release. An environment is
// behind when the newest release of the one before it comes after the oldest release it runs
// itself (in the service's release order: first_seen_at, then id), so one cluster left on an
// older release keeps the environment behind. The lag is what lies between those two releases.

export type ChainRelease = { id: number; firstSeenAt: Date };

export type ChainInput<Release extends ChainRelease> = {
  name: string;
  rank: number;
  /** The distinct releases its live applications run (unknown releases left out). */
  releases: readonly Release[];
};

export type ChainLink<Release extends ChainRelease> = {
  name: string;
  rank: number;
  /** Its releases, newest first. */
  releases: Release[];
  /** The oldest release it runs, null when none is known. */
  oldest: Release | null;
  newest: Release | null;
  /** The environment before it and the newest release that one runs; null for the first. */
  previous: { environment: string; release: Release } | null;
  /** previous.release comes after `oldest`: the lag is oldest → previous.release. */
  behind: boolean;
};

/** Positive when `a` comes after `b` in the service's order of releases. */
export function compareReleaseOrder(a: ChainRelease, b: ChainRelease): number {
  return a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id;
}

export function chainEnvironments<Release extends ChainRelease>(environments: readonly ChainInput<Release>[]): ChainLink<Release>[] {
  const sorted = [...environments].sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  const links = sorted.map((environment) => {
    const releases = dedupe(environment.releases).sort((a, b) => compareReleaseOrder(b, a));
    return { name: environment.name, rank: environment.rank, releases, newest: releases[0] ?? null, oldest: releases[releases.length - 1] ?? null };
  });
  return links.map((link) => {
    const previous = previousOf(links, link.rank);
    return { ...link, previous, behind: previous !== null && link.oldest !== null && compareReleaseOrder(previous.release, link.oldest) > 0 };
  });
}

/** The newest release among the environments of the nearest lower rank that run a known release. */
function previousOf<Release extends ChainRelease>(
  links: readonly { name: string; rank: number; newest: Release | null }[],
  rank: number,
): { environment: string; release: Release } | null {
  const lower = links.filter((link) => link.rank < rank && link.newest !== null);
  const nearest = lower.reduce((max, link) => Math.max(max, link.rank), -Infinity);
  let best: { environment: string; release: Release } | null = null;
  for (const link of lower) {
    if (link.rank !== nearest) continue;
    if (best === null || compareReleaseOrder(link.newest!, best.release) > 0) best = { environment: link.name, release: link.newest! };
  }
  return best;
}

function dedupe<Release extends ChainRelease>(releases: readonly Release[]): Release[] {
  const byId = new Map<number, Release>();
  for (const release of releases) byId.set(release.id, release);
  return [...byId.values()];
}
