// GitLab range completion against a real PostgreSQL and a fake GitLab answering in GitLab's
// documented shapes: GitLab's own published push example (4 commits, 2 listed) leaves a release
// incomplete; the compare API completes it. Merges, unknown commits, outages and a refused token.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { completeGitlabReleaseRanges } from "@/lib/gitlab/complete-gitlab-release-ranges";
import { createGitlabApi, type GitlabAccess, type GitlabApi } from "@/lib/gitlab/gitlab-client";
import { handleGitlabPush } from "@/lib/ingest/handlers/gitlab-push";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { findIncompleteRanges } from "@/lib/trace/find-incomplete-ranges";
import { linkReleaseCommits } from "@/lib/trace/link-release-commits";
import { type FakeGitlab, fakeGitlabCommit, fakeGitlabProject, startFakeGitlab } from "../../support/fake-gitlab";
import { gitlabExample } from "../../support/gitlab-examples";
import { resetFleet } from "../../support/snapshot-builder";

const db = getDb();
// GitLab's push example names its project http://example.com/mike/diaspora.
const HOST = "example.com";
const REPOSITORY = `${HOST}/mike/diaspora`;
const push = gitlabExample("push");
const BEFORE = push.before as string;
const [LISTED_1, LISTED_2] = (push.commits as { id: string }[]).map((commit) => commit.id) as [string, string];
const t0 = new Date("2011-12-01T09:00:00.000Z");
const sha = (name: string) => createHash("sha1").update(`diaspora ${name}`).digest("hex");
const C1 = sha("c1");
const C2 = sha("c2");
const names = new Map([
  [BEFORE, "before"],
  [C1, "c1"],
  [C2, "c2"],
  [LISTED_1, "listed1"],
  [LISTED_2, "listed2"],
]);

let gitlab: FakeGitlab;
let api: GitlabApi;
let access: GitlabAccess & { api: GitlabApi };

beforeAll(async () => {
  gitlab = await startFakeGitlab();
  api = createGitlabApi({ url: gitlab.url, token: gitlab.token, timeoutMs: 2_000 });
  // The instance is example.com to Shiplog (its project names); its API is the fake's address.
  access = { host: HOST, api };
});
afterAll(() => gitlab.close());

let serviceId: number;
beforeEach(async () => {
  await resetFleet(db);
  gitlab.projects.clear();
  gitlab.requests.length = 0;
  gitlab.outage = undefined;
  serviceId = (await db.service.create({ data: { name: "diaspora", repository: REPOSITORY } })).id;
});

/** The project's history: before (a root) → c1 → c2 → listed1 → listed2, as GitLab's push example implies (4 commits pushed). */
function history(extra: [string, string[], string][] = []) {
  const project = fakeGitlabProject({});
  const web = `${gitlab.url}/mike/diaspora`;
  const add = (id: string, parents: string[], message: string, minutes: number) => project.graph.set(id, fakeGitlabCommit(web, id, parents, message, new Date(t0.getTime() + minutes * 60_000)));
  add(BEFORE, [], "Initial commit", 0);
  add(C1, [BEFORE], "Add the pod list", 1);
  add(C2, [C1], "Fix the pod list", 2);
  add(LISTED_1, [C2], "Update Catalan translation to e38cb41.", 3);
  add(LISTED_2, [LISTED_1], "fixed readme", 4);
  extra.forEach(([id, parents, message], index) => add(id, parents, message, 10 + index));
  gitlab.projects.set("mike/diaspora", project);
}

async function release(version: string, commitSha: string, hours: number) {
  const created = await db.release.create({ data: { serviceId, version, firstSeenAt: new Date(t0.getTime() + hours * 3600_000), commitSha } });
  await linkReleaseCommits(db, created.id);
  return created;
}

async function rangeOf(version: string) {
  const found = await db.release.findFirstOrThrow({ where: { version }, include: { commits: { include: { commit: true } } } });
  return {
    commits: found.commits.map((link) => names.get(link.commit.sha) ?? link.commit.sha).sort(),
    complete: found.commitsComplete,
    reason: found.commitsIncompleteReason,
    checked: found.commitsCheckedAt !== null,
  };
}

async function deliverExamplePush() {
  const delivery = { id: 1n, source: "GITLAB", eventType: "Push Hook", body: "", receivedAt: new Date(), attempts: 1 };
  await handleGitlabPush(push, { db, directory: new FleetDirectory(), delivery } as unknown as Parameters<typeof handleGitlabPush>[1]);
}

describe("completeGitlabReleaseRanges", () => {
  it("completes the range GitLab's truncated push example left incomplete, from the compare API", async () => {
    history();
    await release("v1", BEFORE, 0);
    await deliverExamplePush();
    await release("v2", LISTED_2, 1);
    // The push listed 2 of its 4 commits: what lies between `before` and them is unknown.
    expect(await rangeOf("v2")).toMatchObject({ complete: false });

    const result = await completeGitlabReleaseRanges(db, access);

    expect(result).toEqual({ examined: 1, completed: 1, incomplete: 0, stoppedBy: null });
    expect(await rangeOf("v2")).toEqual({ commits: ["c1", "c2", "listed1", "listed2"], complete: true, reason: null, checked: true });
    const stored = await db.commit.findMany({ where: { repository: REPOSITORY }, orderBy: { committedAt: "asc" } });
    expect(stored.map((row) => [names.get(row.sha), row.parentShas.map((parent) => names.get(parent))])).toEqual([
      ["before", []],
      ["c1", ["before"]],
      ["c2", ["c1"]],
      ["listed1", ["c2"]],
      ["listed2", ["listed1"]],
    ]);
    expect(stored[1]).toMatchObject({ message: "Add the pod list", authorName: "Ann Example" });
    const calls = gitlab.requests.map((request) => `${request.method} ${decodeURIComponent(request.path)}`);
    expect(calls).toEqual([
      `GET /api/v4/projects/mike/diaspora/repository/compare?from=${BEFORE}&to=${LISTED_2}&straight=false`,
      `GET /api/v4/projects/mike/diaspora/repository/merge_base?refs[]=${BEFORE}&refs[]=${LISTED_2}`,
    ]);
    expect(gitlab.requests.every((request) => request.headers["private-token"] === gitlab.token)).toBe(true);
  });

  it("completes a merge of a diverged branch by ancestry: the branch's commits are in the release", async () => {
    const F = sha("feature");
    const M = sha("merge");
    names.set(F, "feature").set(M, "merge");
    history([
      [F, [C1], "Feature on a branch"],
      [M, [LISTED_2, F], "Merge branch 'feature' into 'master'"],
    ]);
    await release("v0", BEFORE, 0);
    await release("v1", LISTED_2, 1);
    await release("v2", M, 2);
    expect(await completeGitlabReleaseRanges(db, access)).toMatchObject({ examined: 2, stoppedBy: null });
    expect(await rangeOf("v1")).toMatchObject({ commits: ["c1", "c2", "listed1", "listed2"], complete: true });
    // c1 is in v1 already: v2 adds the branch's commit and the merge.
    expect(await rangeOf("v2")).toMatchObject({ commits: ["feature", "merge"], complete: true });
  });

  it("leaves a range GitLab does not know incomplete with the reason, and does not ask again before the recheck time", async () => {
    history();
    await release("v1", BEFORE, 0);
    await release("v2", sha("never-pushed"), 1);
    const result = await completeGitlabReleaseRanges(db, access);
    expect(result).toMatchObject({ examined: 1, completed: 0, incomplete: 1 });
    expect(await rangeOf("v2")).toMatchObject({ complete: false, checked: true, reason: expect.stringMatching(/GitLab answered 404 for example\.com\/mike\/diaspora .* not readable with GITLAB_TOKEN/) });
    expect(await completeGitlabReleaseRanges(db, access)).toMatchObject({ examined: 0 });
  });

  it("stops at an outage or a refused token without marking the release, so the next run asks again", async () => {
    history();
    await release("v1", BEFORE, 0);
    await release("v2", LISTED_2, 1);
    gitlab.outage = { status: 503, times: 1 };
    expect(await completeGitlabReleaseRanges(db, access)).toMatchObject({ examined: 0, stoppedBy: expect.stringContaining("503") });
    expect(await rangeOf("v2")).toMatchObject({ complete: false, checked: false, reason: expect.not.stringContaining("GitLab") });

    const refused = await completeGitlabReleaseRanges(db, { host: HOST, api: createGitlabApi({ url: gitlab.url, token: "glpat-revoked", timeoutMs: 2_000 }) });
    expect(refused).toMatchObject({ examined: 0, stoppedBy: expect.stringContaining("GITLAB_TOKEN is not accepted") });
    expect(await rangeOf("v2")).toMatchObject({ checked: false });

    expect(await completeGitlabReleaseRanges(db, access)).toMatchObject({ completed: 1 });
  });

  it("takes only the instance's projects; GitHub's owner/name repositories are left to the GitHub job, and the other way round", async () => {
    history();
    const github = await db.service.create({ data: { name: "api", repository: "acme/api" } });
    const other = await db.service.create({ data: { name: "web", repository: "gitlab.other.example/team/web" } });
    for (const [id, prefix] of [[serviceId, "d"], [github.id, "a"], [other.id, "w"]] as const) {
      for (const [version, hours] of [["v1", 0], ["v2", 1]] as const) {
        const created = await db.release.create({ data: { serviceId: id, version: `${prefix}-${version}`, firstSeenAt: new Date(t0.getTime() + hours * 3600_000), commitSha: sha(`${prefix}${version}`) } });
        await linkReleaseCommits(db, created.id);
      }
    }
    const recheckBefore = new Date();
    const of = async (repositories: Parameters<typeof findIncompleteRanges>[1]["repositories"]) =>
      (await findIncompleteRanges(db, { repositories, limit: 10, recheckBefore })).map((range) => range.version).sort();
    expect(await of({ forge: "gitlab", host: HOST })).toEqual(["d-v2"]);
    expect(await of({ forge: "github" })).toEqual(["a-v2"]);
    expect(await of({ forge: "gitlab", host: "gitlab.other.example" })).toEqual(["w-v2"]);
  });
});
