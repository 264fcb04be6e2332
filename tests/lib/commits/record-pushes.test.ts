// recordPushes (a worker batch's pushes, of several repositories, recorded with one statement per
// step) writes exactly what recordPush writes for the same pushes one after the other. Random
// pushes over two repositories: chains cut anywhere, forced and new-branch pushes, commits pushed
// twice (non-distinct, with and without files), one commit that both repositories hold (a fork),
// onto releases seen before their commits (full-SHA and abbreviated-SHA tags, some ambiguous
// once the pushes are in). Every projected row is compared (tests/support/dump-fleet.ts).
// The worker's batches of one repository are compared end to end by
// tests/lib/ingest/queue/set-based-batches.test.ts.
//
// Runs: PROPERTY_RUNS, else 20 on CI and 8 locally; PROPERTY_SEED replays a seed.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { type Push, recordPush, recordPushes } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { compareDumps } from "../../support/commit-graph/compare-with-oracle";
import { dumpFleet } from "../../support/dump-fleet";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 20 : 8));
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};
const db = getDb();
const t0 = new Date("2026-03-10T09:00:00.000Z");
const ZERO = "0".repeat(40);

const REPOSITORIES = ["foo/velero", "foo/harbor"] as const;
type Repository = (typeof REPOSITORIES)[number];
const CHAIN = 8;

/**
 * The n-th commit of a repository's main chain. The fourth is the same commit in both (a fork
 * pushed to both); the others differ, but the harbor commits share velero's first 7 digits (an
 * abbreviated SHA that names two commits once both repositories' pushes are in does not matter:
 * a service matches only its own repository's).
 */
function shaOf(repository: Repository, n: number): string {
  if (n === 3) return createHash("sha1").update("shared").digest("hex");
  const own = createHash("sha1").update(`${repository} ${n}`).digest("hex");
  return repository === "foo/harbor" ? createHash("sha1").update(`foo/velero ${n}`).digest("hex").slice(0, 7) + own.slice(7) : own;
}

/** A second commit of velero whose SHA starts like the 2nd commit's: its `sha-` tag becomes ambiguous. */
const LOOKALIKE = shaOf("foo/velero", 1).slice(0, 7) + createHash("sha1").update("lookalike").digest("hex").slice(7);

const pushArbitrary = fc
  .record({
    repository: fc.constantFrom(...REPOSITORIES),
    from: fc.nat({ max: CHAIN - 1 }),
    length: fc.integer({ min: 1, max: 3 }),
    forced: fc.boolean(),
    newBranch: fc.boolean(),
    distinct: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    paths: fc.array(fc.option(fc.constantFrom(["a/x.ts"], ["b/y.ts", "a/z.ts"]), { nil: null }), { minLength: 3, maxLength: 3 }),
    lookalike: fc.boolean(),
  })
  .map(({ repository, from, length, forced, newBranch, distinct, paths, lookalike }): Push => {
    const ns = Array.from({ length }, (_, index) => from + index).filter((n) => n < CHAIN);
    const commits = ns.map((n, index) => ({
      sha: shaOf(repository, n),
      message: index === ns.length - 1 && ns.length > 1 && !distinct[index - 1] ? `Merge pull request #${n}` : `Change ${n} PROJ-${n}`,
      distinct: distinct[index],
      authorLogin: `author-${n}`,
      timestamp: at(t0, minutes(n)),
      paths: paths[index] ? [...paths[index]!] : null,
    }));
    if (lookalike && repository === "foo/velero") commits.push({ sha: LOOKALIKE, message: "Lookalike", distinct: true, authorLogin: "x", timestamp: t0, paths: null });
    return {
      repository,
      before: newBranch || from === 0 ? ZERO : shaOf(repository, from - 1),
      forced,
      commits,
    };
  });

/** Releases seen before the pushes: tags of full SHAs and of `sha-` abbreviations, per repository. */
const releaseArbitrary = fc.record({
  repository: fc.constantFrom(...REPOSITORIES),
  n: fc.nat({ max: CHAIN - 1 }),
  abbreviated: fc.boolean(),
});

const scenario = fc.record({
  releases: fc.uniqueArray(releaseArbitrary, { maxLength: 4, selector: (release) => `${release.repository} ${release.n} ${release.abbreviated}` }),
  pushes: fc.array(pushArbitrary, { minLength: 2, maxLength: 8 }),
});

/** Argo CD reports the release's image running on an application of the repository's service. */
async function seeReleases(releases: { repository: Repository; n: number; abbreviated: boolean }[]) {
  const directory = new FleetDirectory();
  for (const [index, release] of releases.entries()) {
    const service = release.repository.split("/")[1]!;
    const sha = shaOf(release.repository, release.n);
    const tag = release.abbreviated ? `sha-${sha.slice(0, 7)}` : sha;
    const snapshots = rollout({
      app: { name: `${service}-prod`, labels: { "shiplog.io/repository": release.repository.replace("/", ".") } },
      startedAt: at(t0, minutes(60 * (index + 1))),
      from: [],
      to: [image(service, tag)],
      revision: `config-${index}`,
      historyId: index + 1,
    });
    await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshots.at(-1)!));
  }
}

async function dumpAfter(releases: { repository: Repository; n: number; abbreviated: boolean }[], record: () => Promise<void>) {
  await resetFleet(db);
  await seeReleases(releases);
  await record();
  return dumpFleet(databaseUrl());
}

describe("recordPushes", () => {
  it("writes every row recordPush writes for the same pushes one after the other (two repositories, any pushes)", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ releases, pushes }) => {
        const oneByOne = await dumpAfter(releases, async () => {
          for (const push of pushes) await db.$transaction((tx) => recordPush(tx, push));
        });
        const together = await dumpAfter(releases, () => db.$transaction((tx) => recordPushes(tx, pushes)).then(() => undefined));
        const problems = compareDumps(oneByOne, together);
        if (problems.length > 0) throw new Error(["recordPushes differs from recordPush one by one:", ...problems.slice(0, 30)].join("\n"));
        expect(oneByOne.commits!.length).toBeGreaterThan(0);
      }),
      { numRuns: runs, ...seed },
    );
  }, 600_000);

  it("stores a commit met twice in one call as the first push stored it, with the first known parents and files", async () => {
    await resetFleet(db);
    const sha = shaOf("foo/velero", 5);
    await recordPushes(db, [
      { repository: "foo/velero", before: ZERO, commits: [{ sha, message: "First", distinct: true, timestamp: t0, paths: null }] },
      { repository: "foo/velero", before: shaOf("foo/velero", 4), commits: [{ sha, message: "Second", timestamp: at(t0, 1), paths: ["a.ts"] }] },
      { repository: "foo/velero", before: shaOf("foo/velero", 3), commits: [{ sha, message: "Third", timestamp: at(t0, 2), paths: ["b.ts"] }] },
    ]);
    const stored = await db.commit.findUniqueOrThrow({ where: { repository_sha: { repository: "foo/velero", sha } } });
    expect({ message: stored.message, parents: stored.parentShas, paths: stored.paths }).toEqual({
      message: "First",
      parents: [shaOf("foo/velero", 4)],
      paths: ["a.ts"],
    });
  });
});
