// "Where is commit X" is git ancestry, whatever order releases were seen in: the everyday cases
// the first-parent, sighting-order model answered wrongly (issue "Traceability truth" 1, 4, 5).
// Commits arrive as GitHub's push payloads list them (before..after, `distinct: false` for
// commits pushed to another branch first), through recordPush as the push handler calls it.
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { recordPush, type PushedCommit } from "@/lib/commits/record-push";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { recordPullRequest } from "@/lib/pull-requests/record-pull-request";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";
import { parseCommitQuery } from "@/lib/trace/parse-commit-query";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
const repository = "acme/checkout-api";
const t0 = new Date("2026-11-01T10:00:00Z");
const hours = (n: number) => minutes(60 * n);
/** A 40-hex SHA per name, stable across the file. */
const sha = (name: string) => Buffer.from(name.padEnd(20, "."), "utf8").toString("hex").slice(0, 40);
const ZERO = "0".repeat(40);

const commit = (name: string, message = `Change ${name}`, distinct = true): PushedCommit => ({ sha: sha(name), message, distinct, timestamp: t0 });
const push = (before: string | null, commits: PushedCommit[], forced = false) =>
  recordPush(db, { repository, before: before === null ? ZERO : sha(before), forced, commits });

const app = (environment: string): Partial<ApplicationSnapshot> => ({
  name: `checkout-api-${environment}`,
  labels: { "app.kubernetes.io/part-of": "checkout-api", env: environment, team: "checkout", "shiplog.io/repository": "acme.checkout-api" },
  destination: { name: environment, server: `https://${environment}.example`, namespace: "checkout" },
});
let history = 0;
/** Argo CD syncs the image built from commit `to` to the environment's application. */
async function deploy(environment: string, hoursAfter: number, from: string | null, to: string) {
  history += 1;
  const snapshots = rollout({
    app: app(environment),
    startedAt: at(t0, hours(hoursAfter)),
    from: from === null ? [] : [image("checkout-api", sha(from))],
    to: [image("checkout-api", sha(to))],
    revision: `cfg-${history}`,
    historyId: history,
  });
  const directory = new FleetDirectory();
  for (const snapshot of snapshots) await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshot));
}

async function where(text: string): Promise<Record<string, boolean>> {
  const locations = await findCommitLocations(db, parseCommitQuery(text)!);
  const answer: Record<string, boolean> = {};
  for (const location of locations) {
    for (const service of location.services) for (const application of service.applications) answer[application.name] ||= application.contains;
  }
  return answer;
}
const containsIn = async (name: string) => where(sha(name));

async function rangeOf(name: string): Promise<{ commits: string[]; complete: boolean }> {
  const release = await db.release.findFirstOrThrow({ where: { commitSha: sha(name) }, include: { commits: { include: { commit: true } } } });
  const names = new Map<string, string>();
  for (const link of release.commits) names.set(link.commit.sha, Buffer.from(link.commit.sha, "hex").toString("utf8").replace(/\.+$/, ""));
  return { commits: [...names.values()].sort(), complete: release.commitsComplete };
}

beforeEach(async () => {
  await resetFleet(db);
  history = 0;
});

describe("a pull request merged with a merge commit", () => {
  beforeEach(async () => {
    await push(null, [commit("a")]);
    await deploy("prod", 0, null, "a");
    // The pull request's branch, pushed first; main moves on to b meanwhile.
    await push("a", [commit("f1"), commit("f2")]);
    await push("a", [commit("b")]);
    // The merge button: the branch's commits again (not distinct), then the merge commit.
    await push("b", [commit("f1", "Change f1", false), commit("f2", "Change f2", false), commit("m", "Merge pull request #9 from acme/pay-9")]);
    await deploy("prod", 1, "a", "m");
  });

  it("the release lists the pull request's commits, and each of them runs where the merge runs", async () => {
    expect(await rangeOf("m")).toEqual({ commits: ["b", "f1", "f2", "m"], complete: true });
    for (const name of ["f1", "f2", "b", "m"]) expect(await containsIn(name), name).toEqual({ "checkout-api-prod": true });
  });

  it("a ticket named only by the branch's merge message finds where it runs", async () => {
    expect(await where("PAY-9")).toEqual({ "checkout-api-prod": true });
  });
});

describe("main force-pushed to drop commits", () => {
  it("a release built from the rewritten branch does not contain the dropped commits", async () => {
    await push(null, [commit("a")]);
    await push("a", [commit("d1"), commit("d2")]);
    await deploy("staging", 0, null, "d2");
    await deploy("prod", 0, null, "d2");
    // d1 and d2 are dropped; n is built on a.
    await push("d2", [commit("n")], true);
    // The forced push leaves n's parent unknown; the compare API or the branch's next push says it.
    await recordPush(db, { repository, before: sha("a"), commits: [commit("n", "Change n", false)] });
    await db.$executeRaw`UPDATE commits SET parent_shas = ARRAY[${sha("a")}]::varchar[] WHERE sha = ${sha("n")}`;
    await deploy("staging", 1, "d2", "n");
    await deploy("prod", 1, "d2", "n");

    for (const dropped of ["d1", "d2"]) expect(await containsIn(dropped), dropped).toEqual({ "checkout-api-staging": false, "checkout-api-prod": false });
    expect(await containsIn("a")).toEqual({ "checkout-api-staging": true, "checkout-api-prod": true });
  });
});

describe("a release branch with a cherry-picked fix", () => {
  beforeEach(async () => {
    await push(null, [commit("a")]);
    await deploy("prod", 0, null, "a");
    await push("a", [commit("fix", "Fix rounding (PLAT-123)"), commit("b")]);
    await deploy("staging", 1, null, "b");
    // release/1.x leaves main at a; the fix is cherry-picked onto it.
    await push("a", [commit("fix2", `Fix rounding (PLAT-123)\n\n(cherry picked from commit ${sha("fix")})`)]);
    await deploy("prod", 2, "a", "fix2");
  });

  it("prod runs the cherry-pick, not the original: commit lookup and the release agree", async () => {
    expect(await containsIn("fix")).toEqual({ "checkout-api-staging": true, "checkout-api-prod": false });
    expect(await containsIn("fix2")).toEqual({ "checkout-api-staging": false, "checkout-api-prod": true });
    expect(await containsIn("b")).toEqual({ "checkout-api-staging": true, "checkout-api-prod": false });
    expect(await rangeOf("fix2")).toEqual({ commits: ["fix2"], complete: true });
  });

  it("the ticket finds both environments, through the original and its cherry-pick", async () => {
    expect(await where("PLAT-123")).toEqual({ "checkout-api-staging": true, "checkout-api-prod": true });
    const [pick] = await findCommitLocations(db, { kind: "sha", prefix: sha("fix2") });
    expect(pick!.commit).toMatchObject({ ticketKeys: ["PLAT-123"], cherryPickedFrom: sha("fix") });
  });

  it("the original's pull request reaches the cherry-pick", async () => {
    await recordPullRequest(db, {
      repository, number: 12, title: "Fix rounding", state: "MERGED", mergeCommitSha: sha("fix"),
      headRef: "fix-rounding", openedAt: t0, mergedAt: t0, url: `https://github.com/${repository}/pull/12`,
    });
    expect(await where(`${repository}#12`)).toEqual({ "checkout-api-staging": true, "checkout-api-prod": true });
    const [pick] = await findCommitLocations(db, { kind: "sha", prefix: sha("fix2") });
    expect(pick!.commit.pullRequests.map((pr) => pr.number)).toEqual([12]);
  });
});

describe("arrival order", () => {
  it("a release seen between two others, late, takes its place by ancestry", async () => {
    await push(null, [commit("a"), commit("b"), commit("c")]);
    await deploy("prod", 0, null, "a");
    await deploy("prod", 2, "a", "c");
    expect(await rangeOf("c")).toEqual({ commits: ["b", "c"], complete: true });
    // b ran in staging an hour before c reached prod, reported only now.
    await deploy("staging", 1, null, "b");
    expect(await rangeOf("b")).toEqual({ commits: ["b"], complete: true });
    expect(await rangeOf("c")).toEqual({ commits: ["c"], complete: true });
    expect(await containsIn("b")).toEqual({ "checkout-api-prod": true, "checkout-api-staging": true });
  });

  it("a rollback to an older release no longer contains the newer commits", async () => {
    await push(null, [commit("a"), commit("b")]);
    await deploy("prod", 0, null, "a");
    await deploy("prod", 1, "a", "b");
    await deploy("prod", 2, "b", "a");
    expect(await containsIn("b")).toEqual({ "checkout-api-prod": false });
    expect(await containsIn("a")).toEqual({ "checkout-api-prod": true });
  });
});
