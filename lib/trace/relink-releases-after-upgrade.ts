// Releases recorded before ranges were decided by git ancestry (migration commit_graph) carry
// first-parent ranges and no base, so "where is commit X" would answer wrongly for them. The
// migration leaves the setting below when such releases exist; the first worker to start relinks
// every release of every service (oldest first, each cascading as evidence does), then removes
// the setting. Idempotent: relinking a linked release changes nothing, so a worker stopped
// half-way leaves the setting for the next one to finish.
import type { Db } from "../db/client";
import { relinkRelease } from "./link-release-commits";

export const RELINK_SETTING = "releases.relinkByAncestry";

export async function relinkReleasesAfterUpgrade(db: Db, options: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<number> {
  const pending = await db.setting.findUnique({ where: { key: RELINK_SETTING } });
  if (!pending) return 0;
  const releases = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM releases WHERE commit_sha IS NOT NULL ORDER BY service_id, first_seen_at, version`;
  options.log?.(`relinking ${releases.length} releases by git ancestry (once, after the upgrade)`);
  for (const release of releases) {
    if (options.signal?.aborted) return 0;
    await db.$transaction((tx) => relinkRelease(tx, release.id));
  }
  await db.setting.deleteMany({ where: { key: RELINK_SETTING } });
  return releases.length;
}
