import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { recordCommits } from "@/lib/commits/record-commits";
import { getDb } from "@/lib/db/client";
import { resetFleet } from "../../support/snapshot-builder";

const db = getDb();
const REPOSITORY = "acme/api";
const sha = (name: string) => createHash("sha1").update(`${REPOSITORY} ${name}`).digest("hex");
const t0 = new Date("2026-03-10T09:00:00.000Z");
const commit = (name: string, parent: string | null, message = `Change ${name}`) => ({
  sha: sha(name),
  parentShas: parent ? [sha(parent)] : null,
  message,
  authorName: "Mona Octocat",
  authorLogin: "octocat",
  timestamp: t0,
});
const parentOf = async (name: string) =>
  (await db.commit.findUniqueOrThrow({ where: { repository_sha: { repository: REPOSITORY, sha: sha(name) } } })).parentShas?.[0];

beforeEach(() => resetFleet(db));

describe("recordCommits", () => {
  it("stores each commit once, with its parent and its Argo CD reference trailer", async () => {
    const config = commit("cfg", "c1", `Deploy\n\nArgocd-reference-commit-sha: ${sha("c9")}`);
    const result = await recordCommits(db, REPOSITORY, [commit("c1", null), config, commit("c1", null)]);
    expect(result).toEqual({ commits: 2, reparented: [] });
    expect(await parentOf("cfg")).toBe(sha("c1"));
    expect((await db.commit.findFirstOrThrow({ where: { sha: sha("cfg") } })).referencedSha).toBe(sha("c9"));
  });

  it("keeps a parent once learned against inferred parents, but takes GitHub's real one", async () => {
    // A push of a merge (c2, c3 from a branch; m merged onto c1) infers m's parent as c3.
    await recordCommits(db, REPOSITORY, [commit("c2", "c1"), commit("c3", "c2"), commit("m", "c3")]);
    await recordCommits(db, REPOSITORY, [commit("m", "c2")]);
    expect(await parentOf("m")).toBe(sha("c3"));
    // The compare API knows m's first parent is c1.
    const exact = await recordCommits(db, REPOSITORY, [commit("m", "c1"), commit("c2", "c1")], { exactParents: true });
    expect(exact.reparented).toEqual([sha("m")]);
    expect(await parentOf("m")).toBe(sha("c1"));
  });

  it("links pull requests already known to have merged as one of the commits", async () => {
    const pr = await db.pullRequest.create({
      data: { repository: REPOSITORY, number: 7, title: "Add health check", state: "MERGED", mergeCommitSha: sha("c4"), openedAt: t0 },
    });
    await recordCommits(db, REPOSITORY, [commit("c4", "c3")], { exactParents: true });
    expect(await db.pullRequestCommit.count({ where: { pullRequestId: pr.id } })).toBe(1);
  });
});
