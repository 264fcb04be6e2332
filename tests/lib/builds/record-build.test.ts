// Builds as release evidence by digest: Argo CD lists `image@sha256:…`, and a CI build report or a
// GitHub package event carries that digest and the commit. In either arrival order the release
// ends with the commit (and the rows in-order delivery gives).
import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { recordPush } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { githubFixture, insertDelivery, quietLog, resetAll } from "../../support/deliveries";
import { dumpFleet } from "../../support/dump-fleet";
import { at, image, minutes, rollout } from "../../support/snapshot-builder";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";

const db = getDb();
const HOUR = minutes(60);
const t0 = new Date("2026-03-10T09:00:00.000Z");
const REPOSITORY = "foo/velero";
const IMAGE = "europe-west1-docker.pkg.dev/foo/images/velero";
const ZERO = "0".repeat(40);

const shaOf = (name: string) => createHash("sha1").update(`${REPOSITORY} ${name}`).digest("hex");
const names = ["c1", "c2", "c3", "c4", "c5"] as const;
type Name = (typeof names)[number];
const sha = Object.fromEntries(names.map((name) => [name, shaOf(name)])) as Record<Name, string>;
const digestOf = (content: string) => `sha256:${createHash("sha256").update(content).digest("hex")}`;
const DIGEST = digestOf("velero built from c5");

let directory: FleetDirectory;
const drain = () => processPendingDeliveries({ log: quietLog(), directory });

async function reset() {
  await resetAll();
  directory = new FleetDirectory();
}
beforeEach(reset);

function push(before: Name | null, ...commits: Name[]) {
  return recordPush(db, {
    repository: REPOSITORY,
    before: before ? sha[before] : ZERO,
    commits: commits.map((name) => ({ sha: sha[name], message: `Change ${name}`, authorLogin: "alice", timestamp: t0 })),
  });
}

/** What Argo CD reports after `application` synced to `reference` at `seenAt`. */
function sighting(reference: string, seenAt: Date, app: Partial<ApplicationSnapshot> = {}) {
  return rollout({
    app: { name: "velero-prod", labels: { "shiplog.io/repository": "foo.velero" }, ...app },
    startedAt: seenAt,
    from: [],
    to: [reference],
    revision: `config-${seenAt.getTime()}`,
    historyId: 1,
  }).at(-1)!;
}
const see = (reference: string, seenAt: Date, app: Partial<ApplicationSnapshot> = {}) =>
  db.$transaction((tx) => recordApplicationSnapshot(tx, directory, sighting(reference, seenAt, app)));

/** A CI build report through the worker, as POST /api/webhooks/build stores it. */
async function reportBuild(report: { tag: string; commitSha: string; digest?: string; builtAt?: Date }) {
  await insertDelivery({
    source: "BUILD",
    event: "build",
    body: {
      service: "velero",
      repository: REPOSITORY,
      image: IMAGE,
      tag: report.tag,
      commitSha: report.commitSha,
      ...(report.digest ? { digest: report.digest } : {}),
      builtAt: (report.builtAt ?? at(t0, -minutes(10))).toISOString(),
    },
  });
  await drain();
}

const releases = async () => (await dumpFleet(databaseUrl())).releases!.map((row) => JSON.parse(row));
const releaseRows = async () => {
  const dump = await dumpFleet(databaseUrl());
  return { releases: dump.releases, release_commits: dump.release_commits };
};

describe("a release pinned by digest", () => {
  const pinned = `${IMAGE}@${DIGEST}`;

  it("takes the commit of a build report carrying its digest, reported before or after it is seen", async () => {
    await see(pinned, t0);
    expect(await releases()).toEqual([expect.objectContaining({ version: DIGEST.slice(7, 19), image_digest: DIGEST, commit_sha: null })]);
    await reportBuild({ tag: "v1.14.0", commitSha: sha.c5, digest: DIGEST });
    expect(await releases()).toEqual([expect.objectContaining({ image_digest: DIGEST, commit_sha: sha.c5 })]);
    const seenFirst = await releaseRows();

    await reset();
    await reportBuild({ tag: "v1.14.0", commitSha: sha.c5, digest: DIGEST });
    await see(pinned, t0);
    expect(await releaseRows()).toEqual(seenFirst);
  });

  it("links its range once it has the commit", async () => {
    await push(null, "c1", "c2", "c3");
    await push("c3", "c4", "c5");
    await see(image("velero", sha.c3), t0);
    await see(pinned, at(t0, HOUR));
    await reportBuild({ tag: "v1.14.0", commitSha: sha.c5, digest: DIGEST });
    const release = await db.release.findFirstOrThrow({ where: { imageDigest: DIGEST }, include: { commits: { include: { commit: true } } } });
    expect(release.commits.map((link) => link.commit.sha).sort()).toEqual([sha.c4, sha.c5].sort());
    expect(release.commitsComplete).toBe(true);
  });

  it("takes the digest's commit over a build of its tag: tags move, digests do not", async () => {
    const tagged = `${IMAGE}:v1.14.0@${DIGEST}`;
    // v1.14.0 was pushed again from c5 after the image running was built from c4.
    const events = [
      () => reportBuild({ tag: "v1.14.0", commitSha: sha.c5, digest: digestOf("velero built from c5, again"), builtAt: at(t0, HOUR) }),
      () => reportBuild({ tag: "sha-" + sha.c4.slice(0, 7), commitSha: sha.c4, digest: DIGEST }),
      () => see(tagged, at(t0, 2 * HOUR)),
    ];
    for (const event of events) await event();
    const expected = await releaseRows();
    expect(await releases()).toEqual([expect.objectContaining({ version: "v1.14.0", commit_sha: sha.c4 })]);
    for (const order of [[2, 0, 1], [2, 1, 0], [1, 2, 0]]) {
      await reset();
      for (const index of order) await events[index]!();
      expect(await releaseRows()).toEqual(expected);
    }
  });

  it("takes the earliest build's commit when reproducible builds give two commits its digest, in either order", async () => {
    // c5 changed only documentation: its image is byte for byte c4's.
    const events = [
      () => reportBuild({ tag: "sha-" + sha.c4.slice(0, 7), commitSha: sha.c4, digest: DIGEST, builtAt: t0 }),
      () => reportBuild({ tag: "sha-" + sha.c5.slice(0, 7), commitSha: sha.c5, digest: DIGEST, builtAt: at(t0, HOUR) }),
      () => see(`${IMAGE}@${DIGEST}`, at(t0, 2 * HOUR)),
    ];
    for (const order of [[0, 1, 2], [1, 2, 0], [2, 1, 0], [2, 0, 1]]) {
      await reset();
      for (const index of order) await events[index]!();
      expect(await releases()).toEqual([expect.objectContaining({ commit_sha: sha.c4 })]);
    }
  });
});

describe("a GitHub package event carrying the digest", () => {
  // GitHub's example payload: ghcr.io/codertocat/hello-world, tag "nightly" (its version label),
  // digest sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b, built from 6c62fb45….
  const COMMIT = "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b";
  const PINNED = "ghcr.io/codertocat/hello-world@sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b";
  const app = { name: "hello-world-prod", labels: { "shiplog.io/service": "hello-world" } };
  const published = async (event: "registry_package" | "package") => {
    await insertDelivery({ source: "GITHUB", event, body: await githubFixture(`${event}/published.docker.payload.json`) });
    await drain();
  };

  for (const event of ["registry_package", "package"] as const) {
    it(`${event}: gives the release pinned by that digest its commit, published before or after it is seen`, async () => {
      await see(PINNED, new Date("2019-05-10T00:00:00Z"), app);
      await published(event);
      expect(await releases()).toEqual([expect.objectContaining({ service: "hello-world", commit_sha: COMMIT })]);
      const seenFirst = await releaseRows();

      await reset();
      await published(event);
      await see(PINNED, new Date("2019-05-10T00:00:00Z"), app);
      expect(await releaseRows()).toEqual(seenFirst);
    });
  }
});

describe("any arrival order of sightings, build reports and pushes", () => {
  const events: (() => Promise<unknown>)[] = [
    () => push(null, "c1", "c2", "c3"),
    () => push("c3", "c4", "c5"),
    () => see(image("velero", `sha-${sha.c3.slice(0, 7)}`), t0),
    () => see(`${IMAGE}@${DIGEST}`, at(t0, HOUR)),
    () => see(image("velero", `sha-${sha.c4.slice(0, 8)}`), at(t0, 2 * HOUR), { name: "velero-staging" }),
    () => reportBuild({ tag: "v1.14.0", commitSha: sha.c5, digest: DIGEST, builtAt: at(t0, HOUR - minutes(10)) }),
  ];

  it("ends with the release rows and ranges in-order delivery gives", async () => {
    await reset();
    for (const event of events) await event();
    const expected = await releaseRows();
    expect((await releases()).map((row) => row.commit_sha).sort()).toEqual([sha.c3, sha.c4, sha.c5].sort());
    const positions = events.map((_, index) => index);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(positions, { minLength: positions.length, maxLength: positions.length }), async (order) => {
        await reset();
        for (const index of order) await events[index]!();
        expect(await releaseRows()).toEqual(expected);
      }),
      { numRuns: 15, seed: 20260310 },
    );
  }, 300_000);
});
