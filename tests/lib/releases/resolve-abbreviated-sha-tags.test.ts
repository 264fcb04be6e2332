// Releases tagged with an abbreviated SHA whose commit arrives after them (GitHub redelivers a
// failed push hours later): the final release rows are the ones in-order delivery gives, and a
// later commit sharing the abbreviation makes it name no commit, whichever arrived first.
import { createHash } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { recordPush } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { completeReleaseRanges } from "@/lib/github/complete-release-ranges";
import { createGithubClient } from "@/lib/github/github-client";
import { dumpFleet } from "../../support/dump-fleet";
import { fakeCommit, startFakeGithub, type FakeGithub } from "../../support/fake-github";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
const HOUR = minutes(60);
const t0 = new Date("2026-03-10T09:00:00.000Z");
const REPOSITORY = "foo/velero";
const ZERO = "0".repeat(40);

const shaOf = (name: string) => createHash("sha1").update(`${REPOSITORY} ${name}`).digest("hex");
const names = ["c1", "c2", "c3", "c4", "c5"] as const;
type Name = (typeof names)[number];
const sha = Object.fromEntries(names.map((name) => [name, shaOf(name)])) as Record<Name, string>;
/** Another commit of the repository whose SHA starts with c5's first 7 digits (and no more). */
const twin = `${sha.c5.slice(0, 7)}${sha.c5[7] === "0" ? "1" : "0"}${shaOf("twin").slice(8)}`;
const nameOf = new Map<string, string>([...names.map((name) => [sha[name], name] as const), [twin, "twin"]]);

/** One push of consecutive commits of the chain c1…c5. */
function push(before: Name | null, ...commits: Name[]) {
  return recordPush(db, {
    repository: REPOSITORY,
    before: before ? sha[before] : ZERO,
    commits: commits.map((name) => ({ sha: sha[name], message: `Change ${name}`, authorLogin: "alice", timestamp: t0 })),
  });
}

/** The twin, pushed to a branch of its own. */
const pushTwin = () =>
  recordPush(db, { repository: REPOSITORY, before: ZERO, commits: [{ sha: twin, message: "Unrelated change", authorLogin: "bob", timestamp: t0 }] });

let directory: FleetDirectory;

/** Argo CD reports velero-prod running velero:`tag` after a sync started at `seenAt`. */
async function seeRelease(tag: string, seenAt: Date) {
  const snapshots = rollout({
    app: { name: "velero-prod", labels: { "shiplog.io/repository": "foo.velero" } },
    startedAt: seenAt,
    from: [],
    to: [image("velero", tag)],
    revision: `config-${tag.slice(-8)}`,
    historyId: 1,
  });
  await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshots.at(-1)!));
}

const abbreviated = `sha-${sha.c5.slice(0, 7)}`;

async function releaseOf(tag: string) {
  const release = await db.release.findFirstOrThrow({ where: { version: tag }, include: { commits: { include: { commit: true } } } });
  return {
    commitSha: release.commitSha,
    commits: release.commits.map((link) => nameOf.get(link.commit.sha) ?? link.commit.sha).sort(),
    complete: release.commitsComplete,
  };
}

/** Runs the events from an empty fleet in the given order; the release rows and their ranges. */
async function replay(events: (() => Promise<unknown>)[]) {
  await resetFleet(db);
  directory = new FleetDirectory();
  for (const event of events) await event();
  const dump = await dumpFleet(databaseUrl());
  return { releases: dump.releases!, release_commits: dump.release_commits! };
}

beforeEach(async () => {
  await resetFleet(db);
  directory = new FleetDirectory();
});

describe("an abbreviated SHA tag whose push arrives after the deployment", () => {
  it("takes its commit when the push arrives, and links its range", async () => {
    await push(null, "c1", "c2", "c3");
    await seeRelease(sha.c3, t0);
    await seeRelease(abbreviated, at(t0, HOUR));
    expect(await releaseOf(abbreviated)).toEqual({ commitSha: null, commits: [], complete: false });

    await push("c3", "c4", "c5");
    expect(await releaseOf(abbreviated)).toEqual({ commitSha: sha.c5, commits: ["c4", "c5"], complete: true });
  });

  it("ends with the release rows in-order delivery gives, whichever came first", async () => {
    const pushes = [() => push(null, "c1", "c2", "c3"), () => push("c3", "c4", "c5")];
    const sightings = [() => seeRelease(sha.c3, t0), () => seeRelease(abbreviated, at(t0, HOUR)), () => seeRelease("g" + sha.c4.slice(0, 9), at(t0, 2 * HOUR))];
    const inOrder = await replay([...pushes, ...sightings]);
    expect(inOrder.releases.map((row) => JSON.parse(row).commit_sha)).toEqual(expect.arrayContaining([sha.c3, sha.c4, sha.c5]));
    expect(await replay([...sightings, ...pushes])).toEqual(inOrder);
    expect(await replay([sightings[1]!, pushes[1]!, sightings[2]!, sightings[0]!, pushes[0]!])).toEqual(inOrder);
  });

  it("is resolved by commits fetched from GitHub's compare API too", async () => {
    const github: FakeGithub = await startFakeGithub();
    try {
      const client = createGithubClient({ baseUrl: github.url, auth: { token: github.token }, log: () => undefined, timeoutMs: 2_000, retries: 0 });
      // The pushes of c4 and c5 never arrived; the release between c3 and the abbreviated one is on full SHAs.
      await push(null, "c1", "c2", "c3");
      await seeRelease(sha.c3, t0);
      await seeRelease(abbreviated, at(t0, HOUR));
      await seeRelease(sha.c5, at(t0, 2 * HOUR));
      const commit = (name: Name, parent: Name) => fakeCommit(sha[name], sha[parent], `Change ${name}`, t0);
      github.comparisons.set(`${REPOSITORY} ${sha.c3}...${sha.c5}`, {
        status: "ahead",
        ahead_by: 2,
        behind_by: 0,
        base_commit: commit("c3", "c2"),
        commits: [commit("c4", "c3"), commit("c5", "c4")],
      });
      await completeReleaseRanges(db, client);
      expect((await releaseOf(abbreviated)).commitSha).toBe(sha.c5);
    } finally {
      await github.close();
    }
  });
});

describe("an abbreviated SHA another commit of the repository shares", () => {
  beforeAll(() => {
    expect(twin.slice(0, 7)).toBe(sha.c5.slice(0, 7));
    expect(twin.slice(0, 8)).not.toBe(sha.c5.slice(0, 8));
  });

  it("names no commit, whether the twin arrived before or after the release took c5", async () => {
    const events = [() => push(null, "c1", "c2", "c3"), () => push("c3", "c4", "c5"), () => seeRelease(sha.c3, t0), () => seeRelease(abbreviated, at(t0, HOUR))];
    const twinFirst = await replay([pushTwin, ...events]);
    expect(twinFirst.releases.map((row) => JSON.parse(row)).find((row) => row.version === abbreviated)).toMatchObject({ commit_sha: null });
    // The release took c5 before the twin arrived: it gives it up, and its range with it.
    await replay(events);
    expect((await releaseOf(abbreviated)).commitSha).toBe(sha.c5);
    await pushTwin();
    expect(await releaseOf(abbreviated)).toEqual({ commitSha: null, commits: [], complete: false });
    const dump = await dumpFleet(databaseUrl());
    expect({ releases: dump.releases, release_commits: dump.release_commits }).toEqual(twinFirst);
  });

  it("still resolves a longer abbreviation the twin does not share", async () => {
    const longer = sha.c5.slice(0, 8);
    await push(null, "c1", "c2", "c3");
    await pushTwin();
    await seeRelease(longer, t0);
    await push("c3", "c4", "c5");
    expect((await releaseOf(longer)).commitSha).toBe(sha.c5);
  });
});
