// Monorepos (issue "Traceability truth"): one repository, acme/mono, holds svc-a (paths from the
// `shiplog.io/paths` label), svc-b (paths from its Argo CD source path, the source repository
// being the code repository) and svc-c (no paths: its manifests live in a config repository).
// Pushes arrive as GitHub's push payload (the fixture's shape, with the files each commit added,
// modified and removed) through the worker; releases through Argo CD snapshots. Each release page
// and comparison lists only its service's commits, whatever the arrival order; release_commits
// keeps the whole git range.
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { recordCommits } from "@/lib/commits/record-commits";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { compareReleases, releaseComparisonSchema } from "@/lib/releases/compare-releases";
import { getRelease, releaseDetailSchema } from "@/lib/releases/get-release";
import { githubFixture, insertDelivery, quietLog, resetAll, type Json } from "../../support/deliveries";
import { at, image, minutes, rollout } from "../../support/snapshot-builder";

const db = getDb();
const REPOSITORY = "acme/mono";
const t0 = new Date("2026-11-01T10:00:00Z");
const ZERO = "0".repeat(40);
/** A 40-hex SHA per name, stable across the file. */
const sha = (name: string) => Buffer.from(name.padEnd(20, "."), "utf8").toString("hex").slice(0, 40);
const nameOf = (hex: string) => Buffer.from(hex, "hex").toString("utf8").replace(/\.+$/, "");

type Change = { name: string; added?: string[]; modified?: string[]; removed?: string[] };

/** GitHub's push payload (fixture push/with-new-branch), moved to acme/mono and these commits. */
async function pushPayload(before: string | null, changes: Change[]): Promise<Json> {
  const payload = await githubFixture("push/with-new-branch.payload.json");
  const template = payload.commits[0];
  const commits = changes.map((change) => ({
    ...template,
    id: sha(change.name),
    message: `Change ${change.name}`,
    timestamp: t0.toISOString(),
    added: change.added ?? [],
    modified: change.modified ?? [],
    removed: change.removed ?? [],
  }));
  return {
    ...payload,
    ref: "refs/heads/main",
    before: before === null ? ZERO : sha(before),
    after: commits.at(-1)!.id,
    created: before === null,
    forced: false,
    commits,
    head_commit: commits.at(-1),
    repository: { ...payload.repository, name: "mono", full_name: REPOSITORY },
  };
}

let directory: FleetDirectory;
async function push(before: string | null, changes: Change[]) {
  await insertDelivery({ source: "GITHUB", event: "push", body: await pushPayload(before, changes) });
  await processPendingDeliveries({ log: quietLog(), directory });
}

const services: Record<string, Partial<ApplicationSnapshot>> = {
  "svc-a": { labels: { "app.kubernetes.io/part-of": "svc-a", env: "prod", "shiplog.io/repository": "acme.mono", "shiplog.io/paths": "svc-a" } },
  "svc-b": {
    labels: { "app.kubernetes.io/part-of": "svc-b", env: "prod", "shiplog.io/repository": "acme.mono" },
    source: { repoUrl: "https://github.com/acme/mono.git", path: "svc-b", targetRevision: "main" },
  },
  // The fixture's source: a config repository, which says nothing about acme/mono's paths.
  "svc-c": { labels: { "app.kubernetes.io/part-of": "svc-c", env: "prod", "shiplog.io/repository": "acme.mono" } },
};

let history = 0;
/** Argo CD syncs the service's image built from commit `to` (recording the snapshot records the service's paths). */
async function deploy(service: string, hoursAfter: number, from: string | null, to: string) {
  history += 1;
  const snapshots = rollout({
    // Without the real fixture's manifest-generate-paths annotation: the paths come from above.
    app: { manifestGeneratePaths: undefined, ...services[service], name: `${service}-prod`, destination: { name: "prod", server: "https://prod.example", namespace: service } },
    startedAt: at(t0, minutes(60 * hoursAfter)),
    from: from === null ? [] : [image(service, sha(from))],
    to: [image(service, sha(to))],
    revision: `cfg-${history}`,
    historyId: history,
  });
  for (const snapshot of snapshots) await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshot));
}

const releaseOf = async (service: string, commit: string) =>
  (await db.release.findFirstOrThrow({ where: { service: { name: service }, commitSha: sha(commit) } })).id;

async function page(service: string, commit: string) {
  const release = (await getRelease(await releaseOf(service, commit)))!;
  expect(releaseDetailSchema.parse(release)).toEqual(release);
  return release;
}
const listed = (release: { commits: { sha: string }[] }) => release.commits.map((commit) => nameOf(commit.sha)).sort();

// a: the root; b1 touches svc-a, b2 svc-b, b3 neither (the README), m both (a shared change).
const pushes = [
  () => push(null, [{ name: "a", added: ["README.md", "svc-a/main.go", "svc-b/app.py"] }]),
  () =>
    push("a", [
      { name: "b1", modified: ["svc-a/main.go"], added: ["svc-a/handlers/orders.go"] },
      { name: "b2", modified: ["svc-b/app.py"] },
      { name: "b3", modified: ["README.md"] },
      { name: "m", modified: ["svc-a/main.go"], removed: ["svc-b/legacy.py"] },
    ]),
];
const deploys = [
  () => deploy("svc-a", 0, null, "a"),
  () => deploy("svc-b", 0, null, "a"),
  () => deploy("svc-c", 0, null, "a"),
  () => deploy("svc-a", 1, "a", "m"),
  () => deploy("svc-b", 1, "a", "m"),
  () => deploy("svc-c", 1, "a", "m"),
];

beforeEach(async () => {
  await resetAll();
  directory = new FleetDirectory();
  history = 0;
});

describe("a monorepo with two services", () => {
  for (const [order, steps] of [
    ["pushes first", [...pushes, ...deploys]],
    ["releases first", [...deploys, ...pushes]],
    ["interleaved, newest release first", [deploys[3]!, pushes[1]!, deploys[5]!, deploys[0]!, pushes[0]!, deploys[4]!, deploys[1]!, deploys[2]!]],
  ] as const) {
    it(`each release lists only its service's commits (${order})`, async () => {
      for (const step of steps) await step();
      const a = await page("svc-a", "m");
      expect(listed(a)).toEqual(["b1", "m"]);
      expect(a.commitCount).toBe(2);
      expect(a.pathFilter).toEqual({
        paths: ["svc-a"],
        repositoryCommitCount: 4,
        otherPathsCommitCount: 2,
        unknownFilesCommitCount: 0,
        summary: "Commits that touched svc-a/. 2 commits of the repository did not touch svc-a/ and are not listed.",
      });
      expect(a.commits.every((commit) => commit.filesKnown)).toBe(true);

      const b = await page("svc-b", "m");
      expect(listed(b)).toEqual(["b2", "m"]);
      expect(b.pathFilter).toMatchObject({ paths: ["svc-b"], repositoryCommitCount: 4, otherPathsCommitCount: 2 });

      // No paths: every commit of the repository counts, and the page says so.
      const c = await page("svc-c", "m");
      expect(listed(c)).toEqual(["b1", "b2", "b3", "m"]);
      expect(c.pathFilter).toEqual({
        paths: null,
        repositoryCommitCount: 4,
        otherPathsCommitCount: 0,
        unknownFilesCommitCount: 0,
        summary: "The service's paths in its repository are not known: every commit of the repository counts.",
      });

      // release_commits keeps the whole range for ancestry.
      const range = await db.releaseCommit.count({ where: { releaseId: await releaseOf("svc-a", "m") } });
      expect(range).toBe(4);
    });
  }

  it("the comparison lists only the service's commits too", async () => {
    for (const step of [...pushes, ...deploys]) await step();
    const comparison = (await compareReleases(await releaseOf("svc-a", "m"), await releaseOf("svc-a", "a")))!;
    expect(releaseComparisonSchema.parse(comparison)).toEqual(comparison);
    expect(comparison.direction).toBe("ahead");
    expect(comparison.commits.map((commit) => nameOf(commit.sha)).sort()).toEqual(["b1", "m"]);
    expect(comparison.commitCount).toBe(2);
    expect(comparison.pathFilter).toMatchObject({ paths: ["svc-a"], repositoryCommitCount: 4, otherPathsCommitCount: 2, unknownFilesCommitCount: 0 });
    expect(comparison.authors).toEqual(["Codertocat"]);
  });

  it("commits whose files are not known (GitHub's compare API) are counted and flagged", async () => {
    for (const step of [...pushes, ...deploys]) await step();
    // u arrives through the compare API (parents exact, files not known), then a push builds on it.
    await recordCommits(db, REPOSITORY, [{ sha: sha("u"), parentShas: [sha("m")], message: "Change u", timestamp: t0 }], { exactParents: true });
    await push("u", [{ name: "c1", modified: ["svc-b/app.py"] }]);
    await deploy("svc-a", 2, "m", "c1");
    await deploy("svc-b", 2, "m", "c1");

    const a = await page("svc-a", "c1");
    expect(listed(a)).toEqual(["u"]);
    expect(a.commits[0]!.filesKnown).toBe(false);
    expect(a.pathFilter).toEqual({
      paths: ["svc-a"],
      repositoryCommitCount: 2,
      otherPathsCommitCount: 1,
      unknownFilesCommitCount: 1,
      summary: "Commits that touched svc-a/. 1 commit of the repository did not touch svc-a/ and is not listed. 1 commit is counted although the files it touched are not known.",
    });
    const b = await page("svc-b", "c1");
    expect(listed(b)).toEqual(["c1", "u"]);
    expect(b.pathFilter.unknownFilesCommitCount).toBe(1);

    // A push listing u later says its files; the compare API's unknown never erases them.
    await push("m", [{ name: "u", modified: ["docs/index.md"] }]);
    await recordCommits(db, REPOSITORY, [{ sha: sha("u"), parentShas: [sha("m")], message: "Change u", timestamp: t0 }], { exactParents: true });
    expect(listed(await page("svc-a", "c1"))).toEqual([]);
    expect((await db.commit.findFirstOrThrow({ where: { sha: sha("u") } })).paths).toEqual(["docs/index.md"]);
  });
});
