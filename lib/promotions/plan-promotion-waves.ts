// The waves a promotion moves through: by default one canary cluster, then region by region
// (regions in the configured order, the others by name, clusters without a region last), each
// region optionally cut into waves of at most `waveSize` clusters. A cluster is never split
// across waves: all of its applications move together. Pure: plan-promotion.ts reads the
// applications and settings around it.

export type WaveMember = { id: number; cluster: { name: string; region: string | null } };

export type WaveSettings = {
  /** Clusters in the first (canary) wave; 0: no canary wave. */
  canaryClusters: number;
  /** Clusters per wave after the canary; 0: one wave per region. */
  waveSize: number;
  /** Regions in this order first; the rest by name, clusters without a region last. */
  regionOrder: string[];
};

export type PlannedWave = {
  index: number;
  kind: "canary" | "region";
  /** The region of every cluster in a region wave; a canary wave's first cluster's region. */
  region: string | null;
  clusters: string[];
  applicationIds: number[];
};

/** Regions as the settings order them, then by name, null (no region) last. */
export function orderRegions(regions: (string | null)[], regionOrder: string[]): (string | null)[] {
  const rank = (region: string | null) => (region === null ? Number.MAX_SAFE_INTEGER : regionOrder.includes(region) ? regionOrder.indexOf(region) : regionOrder.length);
  return [...new Set(regions)].sort((a, b) => rank(a) - rank(b) || (a ?? "").localeCompare(b ?? ""));
}

export function planPromotionWaves(members: WaveMember[], settings: WaveSettings): PlannedWave[] {
  // Clusters of one name on several Argo CD instances are one place: they move together.
  const clusters = new Map<string, { region: string | null; ids: number[] }>();
  for (const member of [...members].sort((a, b) => a.id - b.id)) {
    const entry = clusters.get(member.cluster.name) ?? { region: member.cluster.region, ids: [] };
    if (entry.region === null) entry.region = member.cluster.region;
    entry.ids.push(member.id);
    clusters.set(member.cluster.name, entry);
  }
  const regions = orderRegions([...clusters.values()].map((entry) => entry.region), settings.regionOrder);
  const byRegion = regions.map((region) => ({
    region,
    clusters: [...clusters].filter(([, entry]) => entry.region === region).map(([name]) => name).sort((a, b) => a.localeCompare(b)),
  }));
  const waves: Omit<PlannedWave, "index">[] = [];
  const idsOf = (names: string[]) => names.flatMap((name) => clusters.get(name)!.ids).sort((a, b) => a - b);
  const canaryCount = Math.max(0, Math.min(settings.canaryClusters, clusters.size - 1));
  if (canaryCount > 0) {
    // The canary clusters come first in wave order (the first region's first clusters), so a bad
    // release reaches as few places as possible before anyone sees it.
    const canary = byRegion.flatMap((group) => group.clusters).slice(0, canaryCount);
    waves.push({ kind: "canary", region: clusters.get(canary[0]!)!.region, clusters: canary, applicationIds: idsOf(canary) });
    for (const group of byRegion) group.clusters = group.clusters.filter((name) => !canary.includes(name));
  }
  for (const group of byRegion) {
    const size = settings.waveSize > 0 ? settings.waveSize : Math.max(1, group.clusters.length);
    for (let start = 0; start < group.clusters.length; start += size) {
      const names = group.clusters.slice(start, start + size);
      waves.push({ kind: "region", region: group.region, clusters: names, applicationIds: idsOf(names) });
    }
  }
  return waves.map((wave, index) => ({ index, ...wave }));
}
