// Releases linked the old way (first-parent ranges by sighting order, no base) are relinked by
// ancestry once, by the first worker after the upgrade, when the migration left its setting.
import { beforeEach, describe, expect, it } from "vitest";
import { recordPush } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { RELINK_SETTING, relinkReleasesAfterUpgrade } from "@/lib/trace/relink-releases-after-upgrade";
import { resetFleet } from "../../support/snapshot-builder";

const db = getDb();
const repository = "acme/api";
const sha = (name: string) => Buffer.from(name.padEnd(20, "."), "utf8").toString("hex").slice(0, 40);
const t0 = new Date("2026-11-01T10:00:00Z");

beforeEach(() => resetFleet(db));

describe("relinkReleasesAfterUpgrade", () => {
  it("gives releases linked before the upgrade their base and ancestry ranges, once", async () => {
    await recordPush(db, { repository, before: "0".repeat(40), commits: ["a", "b", "c"].map((name) => ({ sha: sha(name), message: name, timestamp: t0 })) });
    const service = await db.service.create({ data: { name: "api", repository } });
    // As the old code left them: every release with all history, no base, seen in hotfix order.
    const ids: Record<string, number> = {};
    for (const [index, name] of ["a", "c", "b"].entries()) {
      const release = await db.release.create({ data: { serviceId: service.id, version: name, commitSha: sha(name), firstSeenAt: new Date(t0.getTime() + index * 60_000) } });
      ids[name] = release.id;
      const commits = await db.commit.findMany({ where: { sha: { in: [sha("a"), sha("b"), sha("c")] } } });
      await db.releaseCommit.createMany({ data: commits.map((commit) => ({ releaseId: release.id, commitId: commit.id })) });
    }
    await db.setting.create({ data: { key: RELINK_SETTING, value: true } });

    expect(await relinkReleasesAfterUpgrade(db)).toBe(3);

    const releases = await db.release.findMany({ include: { commits: { include: { commit: true } } }, orderBy: { version: "asc" } });
    expect(releases.map((release) => [release.version, release.baseReleaseId, release.commits.map((link) => link.commit.message).sort()])).toEqual([
      ["a", null, ["a"]],
      ["b", ids.a, ["b"]],
      ["c", ids.b, ["c"]],
    ]);
    expect(await db.setting.findUnique({ where: { key: RELINK_SETTING } })).toBeNull();
    expect(await relinkReleasesAfterUpgrade(db)).toBe(0);
  });
});
