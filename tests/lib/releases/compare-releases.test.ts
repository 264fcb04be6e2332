// compareReleases on a real database: the 12-service demo fleet (releases, commits, pull
// requests as the domain functions record them) for the union of release ranges in either
// direction, and hand-made releases for ties on first_seen_at, unknown ids and other services.
// What lies between two releases is computed here with Prisma, independently of the SQL.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { compareReleases, releaseComparisonSchema } from "../../../lib/releases/compare-releases";
import { seedSmallFleet } from "../../support/read-api";

type Release = { id: number; serviceId: number; version: string; firstSeenAt: Date; commitSha: string | null; commitsComplete: boolean };

/** A service's releases in its order (first_seen_at, id), oldest first. */
async function releasesOf(serviceId: number): Promise<Release[]> {
  return getDb().release.findMany({ where: { serviceId }, orderBy: [{ firstSeenAt: "asc" }, { id: "asc" }] });
}

/** The commits (sha) of the releases strictly after `older` up to and including `newer`. */
async function shasBetween(releases: Release[], older: Release, newer: Release): Promise<string[]> {
  const from = releases.findIndex((release) => release.id === older.id);
  const to = releases.findIndex((release) => release.id === newer.id);
  const ids = releases.slice(from + 1, to + 1).map((release) => release.id);
  const links = await getDb().releaseCommit.findMany({ where: { releaseId: { in: ids } }, include: { commit: true } });
  return links.map((link) => link.commit.sha).sort();
}

let service: { id: number; name: string; repository: string | null };
let releases: Release[];

beforeAll(async () => {
  await seedSmallFleet();
  // The service with the most releases that added commits with pull requests.
  const [row] = await getDb().$queryRaw<{ id: number }[]>`
    SELECT r.service_id AS id FROM releases r
    WHERE EXISTS (SELECT 1 FROM release_commits rc JOIN pull_request_commits pc ON pc.commit_id = rc.commit_id WHERE rc.release_id = r.id)
    GROUP BY r.service_id ORDER BY count(*) DESC, r.service_id LIMIT 1`;
  service = await getDb().service.findUniqueOrThrow({ where: { id: row!.id } });
  releases = await releasesOf(service.id);
  expect(releases.length).toBeGreaterThanOrEqual(5);
});

describe("compareReleases", () => {
  it("lists the commits between an older and a newer release, with their pull requests, tickets and authors", async () => {
    const newer = releases[releases.length - 1]!;
    const older = releases[releases.length - 5]!;
    const comparison = (await compareReleases(newer.id, older.id))!;
    expect(releaseComparisonSchema.parse(comparison)).toEqual(comparison);

    expect(comparison.direction).toBe("ahead");
    expect(comparison.release).toMatchObject({ id: newer.id, version: newer.version });
    expect(comparison.other).toMatchObject({ id: older.id, version: older.version });
    expect(comparison.service).toEqual({ id: service.id, name: service.name, repository: service.repository });
    expect(comparison.releaseCount).toBe(4);
    expect(comparison.releases.map((release) => release.id)).toEqual(releases.slice(-4).map((release) => release.id).reverse());

    const expected = await shasBetween(releases, older, newer);
    expect(expected.length).toBeGreaterThan(0);
    expect(comparison.commitCount).toBe(expected.length);
    expect(comparison.commits.map((commit) => commit.sha).sort()).toEqual(expected);

    // Each commit is attributed to the release that added it, and carries its pull requests.
    const links = await getDb().releaseCommit.findMany({
      where: { commit: { sha: { in: expected } }, release: { serviceId: service.id } },
      include: { release: true, commit: { include: { pullRequests: { include: { pullRequest: true } } } } },
    });
    for (const commit of comparison.commits) {
      const link = links.find((candidate) => candidate.commit.sha === commit.sha)!;
      expect(commit.release).toEqual({ id: link.release.id, version: link.release.version });
      expect(commit.pullRequests.map((pullRequest) => pullRequest.number).sort()).toEqual(link.commit.pullRequests.map((pr) => pr.pullRequest.number).sort());
    }
    const pullRequests = links.flatMap((link) => link.commit.pullRequests.map((pr) => pr.pullRequest));
    expect(pullRequests.length).toBeGreaterThan(0);
    expect(comparison.tickets).toEqual([...new Set(pullRequests.flatMap((pr) => pr.ticketKeys))].sort());
    expect(comparison.authors).toEqual([...new Set(links.map((link) => link.commit.authorLogin ?? link.commit.authorName).filter((name) => name !== null))].sort());

    // Newest release first, then newest commit first.
    const order = comparison.releases.map((release) => release.id);
    const positions = comparison.commits.map((commit) => order.indexOf(commit.release.id));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    expect(comparison.commitsComplete).toBe(releases.slice(-4).every((release) => release.commitsComplete));
    if (service.repository && older.commitSha && newer.commitSha) {
      expect(comparison.githubCompareUrl).toBe(`https://github.com/${service.repository}/compare/${older.commitSha}...${newer.commitSha}`);
    }
  });

  it("answers the same commits the other way round, marked behind", async () => {
    const newer = releases[releases.length - 2]!;
    const older = releases[releases.length - 4]!;
    const ahead = (await compareReleases(newer.id, older.id))!;
    const behind = (await compareReleases(older.id, newer.id))!;
    expect(behind.direction).toBe("behind");
    expect(behind.release.id).toBe(older.id);
    expect(behind.other.id).toBe(newer.id);
    expect(behind.commits).toEqual(ahead.commits);
    expect(behind.commitCount).toBe(ahead.commitCount);
    expect(behind.githubCompareUrl).toBe(ahead.githubCompareUrl);
    expect(behind.commits.map((commit) => commit.sha).sort()).toEqual(await shasBetween(releases, older, newer));
  });

  it("compares a release with itself as the same, with nothing between", async () => {
    const release = releases[2]!;
    expect(await compareReleases(release.id, release.id)).toMatchObject({ direction: "same", releaseCount: 0, commitCount: 0, commits: [], tickets: [], githubCompareUrl: null });
  });

  it("answers null for an unknown release or releases of two services", async () => {
    const release = releases[0]!;
    expect(await compareReleases(release.id, 2_000_000_000)).toBeNull();
    expect(await compareReleases(2_000_000_000, release.id)).toBeNull();
    const foreign = await getDb().release.findFirstOrThrow({ where: { serviceId: { not: service.id } } });
    expect(await compareReleases(release.id, foreign.id)).toBeNull();
  });

  it("orders releases seen at the same instant by id, so neither is lost or counted twice", async () => {
    const db = getDb();
    const own = await db.service.create({ data: { name: "tie-breaker", repository: "acme/tie-breaker" } });
    const at = new Date("2026-10-01T10:00:00Z");
    const later = new Date("2026-10-01T11:00:00Z");
    const make = (version: string, firstSeenAt: Date, sha: string) =>
      db.release.create({ data: { serviceId: own.id, version, firstSeenAt, commitSha: sha.repeat(40), commitsComplete: true } });
    const r1 = await make("1.0.0", at, "a");
    const r2 = await make("1.1.0", later, "b");
    const r3 = await make("1.2.0", later, "c");
    for (const [release, sha] of [[r1, "a"], [r2, "b"], [r3, "c"]] as const) {
      const commit = await db.commit.create({ data: { repository: own.repository!, sha: sha.repeat(40), message: `commit ${sha}`, authorLogin: `dev-${sha}`, committedAt: release.firstSeenAt } });
      await db.releaseCommit.create({ data: { releaseId: release.id, commitId: commit.id } });
    }

    const r1ToR3 = (await compareReleases(r3.id, r1.id))!;
    expect(r1ToR3.commits.map((commit) => commit.sha)).toEqual(["c".repeat(40), "b".repeat(40)]);
    expect(r1ToR3.commits.map((commit) => commit.release.version)).toEqual(["1.2.0", "1.1.0"]);
    expect(r1ToR3.authors).toEqual(["dev-b", "dev-c"]);
    expect(r1ToR3.commitsComplete).toBe(true);

    // r2 and r3 share first_seen_at; r3 (the higher id) is the newer, and adds only its own commit.
    const tie = (await compareReleases(r2.id, r3.id))!;
    expect(tie.direction).toBe("behind");
    expect(tie.commits.map((commit) => commit.sha)).toEqual(["c".repeat(40)]);
    expect(tie.githubCompareUrl).toBe(`https://github.com/acme/tie-breaker/compare/${"b".repeat(40)}...${"c".repeat(40)}`);

    await db.release.update({ where: { id: r2.id }, data: { commitsComplete: false } });
    expect((await compareReleases(r1.id, r3.id))!.commitsComplete).toBe(false);
  });
});
