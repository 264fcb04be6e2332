import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { recordBuild } from "@/lib/builds/record-build";
import { recordPush } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { recordPullRequest } from "@/lib/pull-requests/record-pull-request";
import { linkReleaseCommits, relinkRelease } from "@/lib/trace/link-release-commits";
import { dumpFleet } from "../../support/dump-fleet";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
const HOUR = minutes(60);
const t0 = new Date("2026-03-10T09:00:00.000Z");
const REPOSITORY = "foo/velero";
const ZERO = "0".repeat(40);

/** c1…c9: a first-parent chain on main, c1 oldest. */
const shaOf = (name: string) => createHash("sha1").update(`${REPOSITORY} ${name}`).digest("hex");
const names = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"] as const;
type Name = (typeof names)[number];
const sha = Object.fromEntries(names.map((name) => [name, shaOf(name)])) as Record<Name, string>;
const nameOf = new Map(names.map((name) => [sha[name], name]));

/** One push of consecutive commits of the chain; `before` is the branch head before it. */
async function push(before: Name | null, ...commits: Name[]) {
  await recordPush(db, {
    repository: REPOSITORY,
    before: before ? sha[before] : ZERO,
    commits: commits.map((name) => ({ sha: sha[name], message: `Change ${name}`, authorLogin: "alice", timestamp: t0 })),
  });
}

let directory: FleetDirectory;

/**
 * Argo CD reports `application` running velero:`tag` after a sync that started at `seenAt`:
 * the release is first seen then. Full-SHA tags name their commit.
 */
async function seeRelease(tag: string, seenAt: Date, application = "velero-prod") {
  const snapshots = rollout({
    app: { name: application, labels: { "shiplog.io/repository": "foo.velero" } },
    startedAt: seenAt,
    from: [],
    to: [image("velero", tag)],
    revision: `config-${tag.slice(0, 8)}`,
    historyId: 1,
  });
  await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshots.at(-1)!));
}

async function releaseOf(tag: string) {
  return db.release.findFirstOrThrow({ where: { version: tag }, include: { commits: { include: { commit: true } } } });
}

/** The commits a release added, by name, oldest first, and whether the range is complete. */
async function rangeOf(tag: string) {
  const release = await releaseOf(tag);
  const commits = release.commits.map((link) => nameOf.get(link.commit.sha) ?? link.commit.sha).sort();
  return { commits, complete: release.commitsComplete };
}

beforeEach(async () => {
  await resetFleet(db);
  directory = new FleetDirectory();
});

describe("linkReleaseCommits: pushes first, then releases", () => {
  beforeEach(async () => {
    await push(null, "c1", "c2", "c3");
    await push("c3", "c4", "c5");
    await push("c5", "c6");
    await seeRelease(sha.c3, t0);
    await seeRelease(sha.c5, at(t0, HOUR));
    await seeRelease(sha.c6, at(t0, 2 * HOUR));
  });

  it("links each release to the commits it added since the previous release, complete", async () => {
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c4", "c5"], complete: true });
    expect(await rangeOf(sha.c6)).toEqual({ commits: ["c6"], complete: true });
  });

  it("leaves the first release of a service incomplete: nothing says where its range starts", async () => {
    const first = await rangeOf(sha.c3);
    expect(first.complete).toBe(false);
    expect(first.commits).toContain("c3");
  });

  it("is idempotent: relinking a release changes nothing", async () => {
    const release = await releaseOf(sha.c5);
    expect(await linkReleaseCommits(db, release.id)).toMatchObject({ commits: 2, complete: true });
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c4", "c5"], complete: true });
  });
});

describe("linkReleaseCommits: late arrivals", () => {
  it("completes a range when the push of its commits arrives after the release", async () => {
    await push(null, "c1", "c2", "c3");
    await seeRelease(sha.c3, t0);
    await seeRelease(sha.c5, at(t0, HOUR));
    expect(await rangeOf(sha.c5)).toEqual({ commits: [], complete: false });

    await push("c3", "c4", "c5");
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c4", "c5"], complete: true });
  });

  it("completes a range when the push of its oldest commit arrives last", async () => {
    await push(null, "c1", "c2", "c3");
    await push("c4", "c5");
    await seeRelease(sha.c3, t0);
    await seeRelease(sha.c5, at(t0, HOUR));
    // The walk stops at c5: its parent c4 is not stored yet.
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c5"], complete: false });

    await push("c3", "c4");
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c4", "c5"], complete: true });
  });

  it("completes a range when the previous release's commit arrives after both releases", async () => {
    await push("c3", "c4", "c5");
    await seeRelease(sha.c3, t0);
    await seeRelease(sha.c5, at(t0, HOUR));
    expect((await rangeOf(sha.c5)).complete).toBe(false);

    await push(null, "c1", "c2", "c3");
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c4", "c5"], complete: true });
  });

  it("shortens the later release's range when a release first seen between two others arrives late", async () => {
    await push(null, "c1", "c2", "c3", "c4", "c5", "c6");
    await seeRelease(sha.c3, t0);
    await seeRelease(sha.c6, at(t0, 2 * HOUR));
    expect(await rangeOf(sha.c6)).toEqual({ commits: ["c4", "c5", "c6"], complete: true });

    // c5 ran in staging an hour earlier; that report arrives now.
    await seeRelease(sha.c5, at(t0, HOUR), "velero-staging");
    expect(await rangeOf(sha.c5)).toEqual({ commits: ["c4", "c5"], complete: true });
    expect(await rangeOf(sha.c6)).toEqual({ commits: ["c6"], complete: true });
  });

  it("ranges follow ancestry, not the order releases were seen in", async () => {
    await push(null, "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8");
    await seeRelease(sha.c3, t0);
    await seeRelease(sha.c6, at(t0, 2 * HOUR));
    // c5 reaches production after c6 (a hotfix order), and c8 after that.
    await seeRelease(sha.c5, at(t0, 3 * HOUR));
    await seeRelease(sha.c8, at(t0, 4 * HOUR));
    const ranges = async () => Promise.all([sha.c5, sha.c6, sha.c8].map((commit) => rangeOf(commit)));
    const seenInHotfixOrder = await ranges();
    expect(seenInHotfixOrder).toEqual([
      { commits: ["c4", "c5"], complete: true },
      { commits: ["c6"], complete: true },
      { commits: ["c7", "c8"], complete: true },
    ]);

    // Staging ran c5 before c6 was seen anywhere: its first sighting moves, its ancestry does not.
    await seeRelease(sha.c5, at(t0, HOUR), "velero-staging");
    expect(await ranges()).toEqual(seenInHotfixOrder);
  });
});

describe("release commits from other evidence", () => {
  beforeEach(async () => {
    await push(null, "c1", "c2", "c3");
    await push("c3", "c4", "c5");
  });

  it("recordBuild teaches a release seen by its semver tag its commit, and links its range", async () => {
    await seeRelease(sha.c3, t0);
    await seeRelease("v1.14.0", at(t0, HOUR));
    expect(await releaseOf("v1.14.0")).toMatchObject({ commitSha: null, commitsComplete: false });

    const build = await recordBuild(db, {
      repository: REPOSITORY,
      commitSha: sha.c5,
      image: "europe-west1-docker.pkg.dev/foo/images/velero",
      tag: "v1.14.0",
      builtAt: at(t0, HOUR - minutes(10)),
      source: "BUILD_REPORT",
      service: "velero",
    });
    expect(build.releasesLinked).toBe(1);
    expect(await releaseOf("v1.14.0")).toMatchObject({ commitSha: sha.c5 });
    expect(await rangeOf("v1.14.0")).toEqual({ commits: ["c4", "c5"], complete: true });
  });

  it("a build reported before the release gives the release its commit when it is first seen", async () => {
    await seeRelease(sha.c3, t0);
    await recordBuild(db, {
      repository: REPOSITORY,
      commitSha: sha.c5,
      image: "europe-west1-docker.pkg.dev/foo/images/velero",
      tag: "v1.14.0",
      builtAt: at(t0, HOUR - minutes(10)),
      source: "GITHUB_PACKAGE",
    });
    await seeRelease("v1.14.0", at(t0, HOUR));
    expect(await releaseOf("v1.14.0")).toMatchObject({ commitSha: sha.c5, commitsComplete: true });
  });

  it("resolves an abbreviated SHA tag to the one stored commit it starts", async () => {
    await seeRelease(sha.c3, t0);
    await seeRelease(`sha-${sha.c5.slice(0, 7)}`, at(t0, HOUR));
    expect(await releaseOf(`sha-${sha.c5.slice(0, 7)}`)).toMatchObject({ commitSha: sha.c5, commitsComplete: true });
  });

  it("follows the Argocd-reference-commit-sha trailer of the config commit the sync applied", async () => {
    await recordPush(db, {
      repository: "foo/manifests-velero",
      before: ZERO,
      commits: [{ sha: shaOf("config"), message: `Bump velero\n\nArgocd-reference-commit-sha: ${sha.c5}`, timestamp: t0 }],
    });
    const snapshot = rollout({
      startedAt: at(t0, HOUR),
      from: [],
      to: [image("velero", "v1.14.0")],
      revision: shaOf("config"),
      historyId: 1,
    }).at(-1)!;
    await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshot));
    expect(await releaseOf("v1.14.0")).toMatchObject({ commitSha: sha.c5 });
  });
});

describe("pull requests merged as a commit", () => {
  const merged = (number: number, mergeCommit: Name) => ({
    repository: REPOSITORY,
    number,
    title: `PLAT-${number}: change`,
    state: "MERGED" as const,
    mergeCommitSha: sha[mergeCommit],
    openedAt: t0,
    mergedAt: t0,
    closedAt: t0,
  });
  const linkedShas = async () =>
    (await db.pullRequestCommit.findMany({ include: { pullRequest: true, commit: true } }))
      .map((link) => `#${link.pullRequest.number} ${nameOf.get(link.commit.sha)}`)
      .sort();

  it("link to their merge commit when the push came first", async () => {
    await push(null, "c1", "c2");
    await recordPullRequest(db, merged(101, "c2"));
    expect(await linkedShas()).toEqual(["#101 c2"]);
  });

  it("link to their merge commit when the pull request came first", async () => {
    await recordPullRequest(db, merged(101, "c2"));
    expect(await linkedShas()).toEqual([]);
    await push(null, "c1", "c2");
    expect(await linkedShas()).toEqual(["#101 c2"]);
  });

  it("do not link an open pull request's test merge commit", async () => {
    await push(null, "c1", "c2");
    await recordPullRequest(db, { ...merged(102, "c2"), state: "OPEN", mergedAt: null, closedAt: null });
    expect(await linkedShas()).toEqual([]);
    expect(await db.pullRequest.findFirstOrThrow()).toMatchObject({ mergeCommitSha: null, ticketKeys: ["PLAT-102"] });
  });

  it("stay merged when an older 'opened' or 'edited' delivery arrives after the merge", async () => {
    await push(null, "c1", "c2");
    await recordPullRequest(db, merged(103, "c2"));
    await recordPullRequest(db, { ...merged(103, "c2"), title: "PLAT-103: change, retitled", state: "OPEN", mergeCommitSha: sha.c1, mergedAt: null, closedAt: null });
    expect(await db.pullRequest.findFirstOrThrow()).toMatchObject({
      state: "MERGED",
      mergeCommitSha: sha.c2,
      mergedAt: t0,
      title: "PLAT-103: change, retitled",
    });
    expect(await linkedShas()).toEqual(["#103 c2"]);
  });

  it("are linked once however often they are delivered", async () => {
    await recordPullRequest(db, merged(101, "c2"));
    await push(null, "c1", "c2");
    await recordPullRequest(db, merged(101, "c2"));
    await push(null, "c1", "c2");
    expect(await linkedShas()).toEqual(["#101 c2"]);
  });
});


describe("any delivery order converges", () => {
  const pullRequest = (number: number, mergeCommit: Name) =>
    recordPullRequest(db, {
      repository: REPOSITORY,
      number,
      title: `PLAT-${number}: change`,
      state: "MERGED",
      mergeCommitSha: sha[mergeCommit],
      openedAt: t0,
      mergedAt: t0,
      closedAt: t0,
    });
  /**
   * Pushes, pull requests, a build and release sightings across staging and production,
   * including a release first seen in staging before a newer one reached production.
   */
  const events: (() => Promise<unknown>)[] = [
    () => push(null, "c1", "c2", "c3"),
    () => push("c3", "c4", "c5"),
    () => push("c5", "c6", "c7"),
    () => push("c7", "c8", "c9"),
    () => pullRequest(104, "c4"),
    () => pullRequest(107, "c7"),
    () => seeRelease(sha.c3, t0),
    () => seeRelease(sha.c5, at(t0, HOUR), "velero-staging"),
    () => seeRelease(sha.c6, at(t0, 2 * HOUR)),
    () => seeRelease(sha.c5, at(t0, 3 * HOUR)),
    () => seeRelease(sha.c8, at(t0, 4 * HOUR), "velero-staging"),
    () => seeRelease("v2.0.0", at(t0, 5 * HOUR)),
    () =>
      recordBuild(db, {
        repository: REPOSITORY,
        commitSha: sha.c9,
        image: "europe-west1-docker.pkg.dev/foo/images/velero",
        tag: "v2.0.0",
        builtAt: at(t0, 5 * HOUR - minutes(10)),
        source: "BUILD_REPORT",
      }),
  ];

  async function replay(order: number[]) {
    await resetFleet(db);
    directory = new FleetDirectory();
    for (const index of order) await events[index]!();
    return dumpFleet(databaseUrl());
  }

  it("writes the same commits, ranges, links and rollbacks for 30 shuffled deliveries with duplicates", async () => {
    const expected = await replay(events.map((_, index) => index));
    expect(expected.release_commits!.length).toBeGreaterThan(0);
    // c5 reached production after c6 but was first seen (staging) before it: a rollback.
    expect(expected.deployments!.filter((row) => JSON.parse(row).is_rollback)).toHaveLength(1);
    const positions = events.map((_, index) => index);
    const deliveries = fc
      .tuple(
        fc.shuffledSubarray(positions, { minLength: positions.length, maxLength: positions.length }),
        fc.array(fc.constantFrom(...positions), { maxLength: 5 }),
      )
      .chain(([shuffled, duplicates]) => {
        const all = [...shuffled, ...duplicates];
        return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
      });
    await fc.assert(
      fc.asyncProperty(deliveries, async (order) => {
        expect(await replay(order)).toEqual(expected);
      }),
      { numRuns: 30, seed: 20260310 },
    );
  }, 600_000);
});

describe("a push and a release applied at the same time, in two transactions", () => {
  // The worker applies different ordering keys (the repository's push, the application's sync) in
  // parallel transactions. Each must see the other's rows, whichever commits first
  // (lib/commits/lock-repository-history.ts).
  const service = async () => db.service.create({ data: { name: "velero", repository: REPOSITORY } });

  it("a release linked while its commits are being stored waits for them and links them", async () => {
    await push(null, "c1");
    const { id: serviceId } = await service();
    let pushed!: () => void;
    const stored = new Promise<void>((resolve) => (pushed = resolve));
    let release = () => {};
    const holding = new Promise<void>((resolve) => (release = resolve));
    const pushing = db.$transaction(async (tx) => {
      await recordPush(tx, { repository: REPOSITORY, before: sha.c1, commits: [{ sha: sha.c2, message: "Change c2", authorLogin: "alice", timestamp: t0 }] });
      pushed();
      await holding;
    });
    await stored;
    const linking = db.$transaction(async (tx) => {
      const created = await tx.release.create({ data: { serviceId, version: "v2", firstSeenAt: t0, commitSha: sha.c2 } });
      await relinkRelease(tx, created.id);
      return created.id;
    });
    // The link waits for the push's transaction rather than reading around it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await pushing;
    const id = await linking;
    const linked = await db.releaseCommit.findMany({ where: { releaseId: id }, select: { commit: { select: { sha: true } } } });
    expect(linked.map((row) => nameOf.get(row.commit.sha)).sort()).toEqual(["c1", "c2"]);
  });

  it("a push stored while a release of its commit is being linked relinks it once that release is committed", async () => {
    await push(null, "c1");
    const { id: serviceId } = await service();
    let linked!: (id: number) => void;
    const created = new Promise<number>((resolve) => (linked = resolve));
    let release = () => {};
    const holding = new Promise<void>((resolve) => (release = resolve));
    const linking = db.$transaction(async (tx) => {
      const row = await tx.release.create({ data: { serviceId, version: "v2", firstSeenAt: t0, commitSha: sha.c2 } });
      await relinkRelease(tx, row.id);
      linked(row.id);
      await holding;
    });
    const id = await created;
    const pushing = db.$transaction((tx) =>
      recordPush(tx, { repository: REPOSITORY, before: sha.c1, commits: [{ sha: sha.c2, message: "Change c2", authorLogin: "alice", timestamp: t0 }] }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await linking;
    await pushing;
    const rows = await db.releaseCommit.findMany({ where: { releaseId: id }, select: { commit: { select: { sha: true } } } });
    expect(rows.map((row) => nameOf.get(row.commit.sha)).sort()).toEqual(["c1", "c2"]);
  });
});
