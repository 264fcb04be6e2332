// The files a push says each commit touched are stored as given (any file name), bounded per
// commit, and never erased by a source that does not know them.
import { beforeEach, describe, expect, it } from "vitest";
import { boundedCommitPaths, MAX_COMMIT_PATHS, recordCommits } from "@/lib/commits/record-commits";
import { getDb } from "@/lib/db/client";
import { resetAll } from "../../support/deliveries";

const db = getDb();
const t0 = new Date("2026-11-01T10:00:00Z");
const sha = (digit: string) => digit.repeat(40);
// Raw SQL: Prisma's client reads a NULL list as [].
const pathsOf = async (digit: string) => (await db.$queryRaw<{ paths: string[] | null }[]>`SELECT paths FROM commits WHERE sha = ${sha(digit)}`)[0]!.paths;

beforeEach(resetAll);

describe("commit paths", () => {
  it("stores file names holding commas, quotes, braces, backslashes and spaces exactly", async () => {
    const files = ['svc-a/a,b.go', 'svc-a/"quoted".md', "svc-a/{x}.json", "svc-a/back\\slash", "svc-a/with space.txt", "svc-a/ünï.txt"];
    await recordCommits(db, "acme/mono", [{ sha: sha("1"), parentShas: [], message: "odd names", timestamp: t0, paths: files }]);
    expect(await pathsOf("1")).toEqual([...files].sort());
  });

  it("keeps unknown as null, an empty change as [], and more than the bound as unknown", async () => {
    const many = Array.from({ length: MAX_COMMIT_PATHS + 1 }, (_, index) => `svc-a/file-${index}.go`);
    await recordCommits(db, "acme/mono", [
      { sha: sha("2"), parentShas: null, message: "unknown", timestamp: t0 },
      { sha: sha("3"), parentShas: null, message: "empty", timestamp: t0, paths: [] },
      { sha: sha("4"), parentShas: null, message: "sweeping", timestamp: t0, paths: many },
    ]);
    expect([await pathsOf("2"), await pathsOf("3"), await pathsOf("4")]).toEqual([null, [], null]);
    expect(boundedCommitPaths(many.slice(0, MAX_COMMIT_PATHS))).toHaveLength(MAX_COMMIT_PATHS);
  });

  it("a source without files never erases known ones, in either order", async () => {
    await recordCommits(db, "acme/mono", [{ sha: sha("5"), parentShas: [], message: "x", timestamp: t0, paths: ["svc-b/app.py"] }]);
    await recordCommits(db, "acme/mono", [{ sha: sha("5"), parentShas: [], message: "x", timestamp: t0 }], { exactParents: true });
    expect(await pathsOf("5")).toEqual(["svc-b/app.py"]);
    await recordCommits(db, "acme/mono", [{ sha: sha("6"), parentShas: [], message: "y", timestamp: t0 }], { exactParents: true });
    await recordCommits(db, "acme/mono", [{ sha: sha("6"), parentShas: [], message: "y", timestamp: t0, paths: ["svc-b/app.py", "svc-b/app.py"] }]);
    expect(await pathsOf("6")).toEqual(["svc-b/app.py"]);
  });
});
