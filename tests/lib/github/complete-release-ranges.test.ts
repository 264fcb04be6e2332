import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordPush } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { completeReleaseRanges } from "@/lib/github/complete-release-ranges";
import { createGithubClient, type GithubClient } from "@/lib/github/github-client";
import { linkReleaseCommits } from "@/lib/trace/link-release-commits";
import { fakeCommit, startFakeGithub, type FakeCommit, type FakeGithub } from "../../support/fake-github";
import { resetFleet } from "../../support/snapshot-builder";

const db = getDb();
const REPOSITORY = "acme/api";
const t0 = new Date("2026-03-10T09:00:00.000Z");
const HOUR = 3600_000;
const sha = (name: string) => createHash("sha1").update(`${REPOSITORY} ${name}`).digest("hex");
const nameOf = new Map<string, string>();
const named = (name: string) => {
  nameOf.set(sha(name), name);
  return sha(name);
};

let github: FakeGithub;
let client: GithubClient;
const lines: string[] = [];

beforeAll(async () => {
  github = await startFakeGithub();
  client = createGithubClient({ baseUrl: github.url, auth: { token: github.token }, log: (line) => lines.push(line), timeoutMs: 2_000, retries: 0 });
});
afterAll(() => github.close());

let serviceId: number;
beforeEach(async () => {
  await resetFleet(db);
  await db.$executeRaw`TRUNCATE github_responses`;
  github.requests.length = 0;
  github.comparisons.clear();
  github.rateLimit = undefined;
  serviceId = (await db.service.create({ data: { name: "api", repository: REPOSITORY } })).id;
});

/** A release of the service built from commit `name`, first seen `hours` after t0, linked as webhooks would leave it. */
async function release(version: string, name: string, hours: number) {
  const created = await db.release.create({ data: { serviceId, version, firstSeenAt: new Date(t0.getTime() + hours * HOUR), commitSha: named(name) } });
  await linkReleaseCommits(db, created.id);
  return created;
}

/** A first-parent chain of commits as GitHub renders them: chain("a", "b", "c") is b after a, c after b. */
function chain(...names: string[]): FakeCommit[] {
  return names.map((name, index) => fakeCommit(named(name), index === 0 ? null : named(names[index - 1]!), `Change ${name}`, new Date(t0.getTime() + index * 60_000)));
}

function compares(base: string, head: string, commits: FakeCommit[], baseCommit: FakeCommit, status: "ahead" | "diverged" | "behind" = "ahead") {
  github.comparisons.set(`${REPOSITORY} ${named(base)}...${named(head)}`, {
    status,
    ahead_by: commits.length,
    behind_by: status === "ahead" ? 0 : 1,
    base_commit: baseCommit,
    commits,
  });
}

async function rangeOf(version: string) {
  const found = await db.release.findFirstOrThrow({ where: { version }, include: { commits: { include: { commit: true } } } });
  return {
    commits: found.commits.map((link) => nameOf.get(link.commit.sha) ?? link.commit.sha).sort(),
    complete: found.commitsComplete,
    reason: found.commitsIncompleteReason,
    checked: found.commitsCheckedAt !== null,
  };
}

const compareRequests = () => github.requests.filter((request) => request.path.includes("/compare/"));

describe("completeReleaseRanges", () => {
  it("completes a range no push delivered: commits with their real parents, links, complete", async () => {
    await release("v1", "a", 0);
    await release("v2", "d", 1);
    expect(await rangeOf("v2")).toMatchObject({ commits: [], complete: false });
    const [a, b, c, d] = chain("a", "b", "c", "d");
    compares("a", "d", [b!, c!, d!], a!);

    const result = await completeReleaseRanges(db, client);

    expect(result).toEqual({ examined: 1, completed: 1, incomplete: 0, cached: 0, stoppedBy: null });
    expect(await rangeOf("v2")).toEqual({ commits: ["b", "c", "d"], complete: true, reason: null, checked: true });
    const stored = await db.commit.findMany({ where: { repository: REPOSITORY }, orderBy: { committedAt: "asc" } });
    expect(stored.map((row) => [nameOf.get(row.sha), row.parentShas[0] ? nameOf.get(row.parentShas[0]) : null])).toEqual([
      ["a", null],
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
    ]);
    expect(stored[1]).toMatchObject({ message: "Change b", authorName: "Mona Octocat", authorLogin: "octocat" });
    expect(compareRequests().map((request) => request.path)).toEqual([`/repos/acme/api/compare/${sha("a")}...${sha("d")}?per_page=100&page=1`]);
    // The first release has no previous one: it is not asked about, but the comparison reached
    // its commit, a root: its whole history is known now.
    expect(await rangeOf("v1")).toEqual({ commits: ["a"], complete: true, reason: null, checked: false });
  });

  it("asks again with If-None-Match and takes GitHub's 304 from the cache", async () => {
    await release("v1", "a", 0);
    await release("v2", "d", 1);
    const [a, b, c, d] = chain("a", "b", "c", "d");
    compares("a", "d", [b!, c!, d!], a!);
    await completeReleaseRanges(db, client);
    // The range is cut again (e.g. its links were rebuilt before the commits arrived).
    await db.$executeRaw`DELETE FROM release_commits`;
    await db.$executeRaw`UPDATE releases SET commits_complete = false`;

    const second = await completeReleaseRanges(db, client);

    expect(second).toMatchObject({ completed: 1, cached: 1 });
    const [first, again] = compareRequests();
    expect(first?.headers["if-none-match"]).toBeUndefined();
    expect(again?.headers["if-none-match"]).toMatch(/^W\/"/);
    expect(await rangeOf("v2")).toMatchObject({ commits: ["b", "c", "d"], complete: true });
  });

  it("fetches every page of a long range", async () => {
    const names = Array.from({ length: 251 }, (_, index) => `p${index}`);
    await release("v1", "p0", 0);
    await release("v2", "p250", 1);
    const commits = chain(...names);
    compares("p0", "p250", commits.slice(1), commits[0]!);

    const result = await completeReleaseRanges(db, client);

    expect(result.completed).toBe(1);
    expect(compareRequests().map((request) => new URL(request.path, "http://x").searchParams.get("page"))).toEqual(["1", "2", "3"]);
    expect((await rangeOf("v2")).commits).toHaveLength(250);
  });

  it("leaves a range longer than the bound incomplete, with the reason, after one request", async () => {
    await release("v1", "a", 0);
    await release("v2", "f", 1);
    const commits = chain("a", "b", "c", "d", "e", "f");
    compares("a", "f", commits.slice(1), commits[0]!);

    const result = await completeReleaseRanges(db, client, { maxCommits: 3 });

    expect(result).toMatchObject({ completed: 0, incomplete: 1 });
    expect(await rangeOf("v2")).toMatchObject({ commits: [], complete: false, reason: "the range has 5 commits, more than the 3 Shiplog fetches" });
    expect(compareRequests()).toHaveLength(1);
  });

  it("records a 404 (unknown repository, or not readable) and does not ask again before the recheck time", async () => {
    await release("v1", "a", 0);
    await release("v2", "b", 1);

    await completeReleaseRanges(db, client);
    expect(await rangeOf("v2")).toMatchObject({ complete: false, checked: true, reason: expect.stringMatching(/GitHub answered 404 for acme\/api/) });
    await completeReleaseRanges(db, client);
    expect(compareRequests()).toHaveLength(1);
    await completeReleaseRanges(db, client, { recheckAfterMs: 0 });
    expect(compareRequests()).toHaveLength(2);
  });

  it("links diverged and behind releases by ancestry, and says which history is missing", async () => {
    await release("v1", "x", 0);
    await release("v2", "d", 1);
    await release("v3", "c", 2);
    const [, b, c, d] = chain("a", "b", "c", "d");
    // x was released from a branch that left main at a.
    compares("x", "d", [b!, c!, d!], fakeCommit(named("x"), named("a"), "Hotfix", t0), "diverged");
    compares("d", "c", [], d!, "behind");

    const result = await completeReleaseRanges(db, client);

    expect(result).toMatchObject({ examined: 2, completed: 1, incomplete: 1 });
    // v3's c is d's parent: v2 added d alone, whatever order the two were seen in.
    expect(await rangeOf("v2")).toMatchObject({ commits: ["d"], complete: true, reason: null });
    // GitHub listed from the merge base a on, without a's own parents: c's history stops there.
    expect(await rangeOf("v3")).toMatchObject({ commits: ["b", "c"], complete: false, reason: expect.stringMatching(/^history before [0-9a-f]{12} has not been received$/) });
  });

  it("stops at a rate limit it will not wait for, leaving releases unmarked for the next run", async () => {
    await release("v1", "a", 0);
    await release("v2", "b", 1);
    await release("v3", "c", 2);
    github.rateLimit = { kind: "primary-403", times: 5, resetInSeconds: 3600 };

    const result = await completeReleaseRanges(db, client);

    expect(result).toMatchObject({ examined: 0, completed: 0, incomplete: 0, stoppedBy: expect.stringMatching(/403 API rate limit exceeded/) });
    expect(compareRequests()).toHaveLength(1);
    // Left as linking left them: the commits are not known yet, and GitHub was not asked.
    expect(await rangeOf("v2")).toMatchObject({ checked: false, reason: expect.stringMatching(/has not been received yet/) });
    expect(await rangeOf("v3")).toMatchObject({ checked: false, reason: expect.stringMatching(/has not been received yet/) });
  });

  it("relinks a release whose range ran through a commit whose pushed order misstated its parents", async () => {
    // A push of a merge: b1, b2 from a branch, then the merge m onto a. Pushes infer m's parent as b2.
    await recordPush(db, { repository: REPOSITORY, before: "0".repeat(40), commits: [{ sha: named("a"), message: "Change a", timestamp: t0 }] });
    await release("v1", "a", 0);
    await recordPush(db, {
      repository: REPOSITORY,
      before: named("a"),
      commits: ["b1", "b2", "m"].map((name) => ({ sha: named(name), message: `Change ${name}`, timestamp: t0 })),
    });
    await release("v2", "m", 1);
    expect(await rangeOf("v2")).toMatchObject({ commits: ["b1", "b2", "m"], complete: true });
    await release("v3", "n", 2);
    const m = fakeCommit(named("m"), named("a"), "Merge branch", t0);
    m.parents.push({ sha: named("b2") });
    compares("m", "n", [fakeCommit(named("n"), named("m"), "Change n", t0)], m);

    await completeReleaseRanges(db, client);

    expect(await rangeOf("v3")).toMatchObject({ commits: ["n"], complete: true });
    // m merges b2 into a: v2 added the merge and the branch it brought in.
    expect(await rangeOf("v2")).toMatchObject({ commits: ["b1", "b2", "m"], complete: true });
    const stored = await db.$queryRaw<{ parent_shas: string[] }[]>`SELECT parent_shas FROM commits WHERE sha = ${named("m")}`;
    expect(stored[0]!.parent_shas).toEqual([named("a"), named("b2")]);
  });
});
