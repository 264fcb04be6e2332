// "Where is commit X?" against a real database filled through the domain functions: a push,
// a merged pull request with a ticket, and rollouts (with a rollback) to three clusters.
import { beforeAll, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "../../../lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "../../../lib/argocd/application-snapshot";
import { recordPush } from "../../../lib/commits/record-push";
import { getDb } from "../../../lib/db/client";
import { FleetDirectory } from "../../../lib/fleet/fleet-directory";
import { recordPullRequest } from "../../../lib/pull-requests/record-pull-request";
import { findCommitLocations } from "../../../lib/trace/find-commit-locations";
import { parseCommitQuery } from "../../../lib/trace/parse-commit-query";
import { at, image, minutes, rollout } from "../../support/snapshot-builder";

const repository = "acme/checkout-api";
const sha = (n: number) => n.toString(16).padStart(2, "0").repeat(20);
const [c1, c2, c3] = [sha(0xa1), sha(0xb2), sha(0xc3)];
const t0 = new Date("2026-11-01T10:00:00Z");
const hours = (n: number) => minutes(60 * n);

const app = (cluster: string): Partial<ApplicationSnapshot> => ({
  name: `checkout-api-prod-${cluster}`,
  labels: { "app.kubernetes.io/part-of": "checkout-api", env: "prod", team: "checkout", "shiplog.io/repository": "acme.checkout-api" },
  destination: { name: cluster, server: `https://${cluster}.example`, namespace: "checkout" },
});

async function deploy(cluster: string, startedAt: Date, from: string, to: string, historyId: number) {
  const db = getDb();
  const directory = new FleetDirectory();
  const snapshots = rollout({ app: app(cluster), startedAt, from: from ? [image("checkout-api", from)] : [], to: [image("checkout-api", to)], revision: `cfg-${cluster}-${historyId}`, historyId });
  for (const snapshot of snapshots) await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshot));
}

describe("findCommitLocations", () => {
  beforeAll(async () => {
    const db = getDb();
    await recordPush(db, {
      repository,
      before: "0".repeat(40),
      commits: [
        { sha: c1, message: "Initial checkout flow (#5)", authorLogin: "alice", timestamp: at(t0, -hours(48)) },
        { sha: c2, message: "Refactor cart totals (#6)", authorLogin: "bob", timestamp: at(t0, -hours(2)) },
        { sha: c3, message: "Fix rounding of totals (#7)", authorLogin: "carol", timestamp: at(t0, -hours(1)) },
      ],
    });
    await recordPullRequest(db, {
      repository, number: 7, title: "CHK-42: Fix rounding of totals", state: "MERGED", mergeCommitSha: c3,
      headRef: "carol/chk-42", openedAt: at(t0, -hours(5)), mergedAt: at(t0, -hours(1)), url: `https://github.com/${repository}/pull/7`,
    });
    // v1 (c1) everywhere; v2 (c3) to a and b; b rolled back to v1, then forward to v2 again.
    for (const [index, cluster] of ["a", "b", "c"].entries()) await deploy(cluster, at(t0, minutes(index)), "", c1, 1);
    await deploy("a", at(t0, hours(1)), c1, c3, 2);
    await deploy("b", at(t0, hours(2)), c1, c3, 2);
    await deploy("b", at(t0, hours(3)), c3, c1, 3);
  });

  const locate = async (text: string) => {
    const query = parseCommitQuery(text);
    if (!query) throw new Error(`not a commit query: ${text}`);
    return findCommitLocations(getDb(), query);
  };
  const byCluster = <T extends { cluster: string }>(apps: T[]) => Object.fromEntries(apps.map((a) => [a.cluster, a]));

  it("finds the first release containing an abbreviated SHA and where it runs now", async () => {
    const [location, ...others] = await locate(c3.slice(0, 7));
    expect(others).toEqual([]);
    expect(location!.commit).toMatchObject({ sha: c3, repository, authorLogin: "carol" });
    expect(location!.commit.pullRequests).toEqual([{ number: 7, title: "CHK-42: Fix rounding of totals", url: `https://github.com/${repository}/pull/7`, ticketKeys: ["CHK-42"] }]);
    const [service] = location!.services;
    expect(service!.service.name).toBe("checkout-api");
    expect(service!.firstRelease?.version).toBe(c3);
    const apps = byCluster(service!.applications);
    expect(apps.a).toMatchObject({ contains: true, currentRelease: { version: c3 }, since: at(t0, hours(1) + minutes(2)) });
    expect(apps.b).toMatchObject({ contains: false, currentRelease: { version: c1 }, since: null });
    expect(apps.c).toMatchObject({ contains: false, currentRelease: { version: c1 } });
  });

  it("counts a commit the release added in its range, not only the release's own commit", async () => {
    const [location] = await locate(c2);
    expect(location!.services[0]!.firstRelease?.version).toBe(c3);
    expect(byCluster(location!.services[0]!.applications).a!.contains).toBe(true);
  });

  it("restarts 'since' after a rollback took the commit away", async () => {
    await deploy("b", at(t0, hours(4)), c1, c3, 4);
    const [location] = await locate(c3);
    expect(byCluster(location!.services[0]!.applications).b).toMatchObject({ contains: true, since: at(t0, hours(4) + minutes(2)) });
  });

  it("answers for a pull request and for a ticket key", async () => {
    for (const text of [`${repository}#7`, `https://github.com/${repository}/pull/7/files`, "chk-42", "CHK-042"]) {
      const locations = await locate(text);
      expect(locations.map((location) => location.commit.sha), text).toEqual([c3]);
    }
  });

  it("lists the service's applications as not yet running a commit no release has shipped", async () => {
    const c4 = sha(0xd4);
    await recordPush(getDb(), { repository, before: c3, commits: [{ sha: c4, message: "Unreleased change", timestamp: at(t0, hours(5)) }] });
    const [location] = await locate(c4);
    expect(location!.services[0]!.firstRelease).toBeNull();
    expect(location!.services[0]!.applications.every((a) => !a.contains)).toBe(true);
  });

  it("answers a pull request URL stored before links were checked, and not http(s), as none (issue 14, finding 8)", async () => {
    const db = getDb();
    await recordPullRequest(db, {
      repository, number: 8, title: "Old javascript: link", state: "MERGED", mergeCommitSha: c2,
      openedAt: at(t0, -hours(4)), mergedAt: at(t0, -hours(2)), url: "javascript:alert(document.domain)",
    });
    const [location] = await locate(c2);
    expect(location!.commit.pullRequests).toEqual([expect.objectContaining({ number: 8, url: null })]);
  });

  it("finds nothing for unknown commits, and reads only well-formed queries", async () => {
    expect(await locate("deadbeef")).toEqual([]);
    for (const text of ["abc", "not a sha", "g123456", "acme#1", "-12"]) expect(parseCommitQuery(text), text).toBeUndefined();
    expect(parseCommitQuery(" ABCDEF1 ")).toEqual({ kind: "sha", prefix: "abcdef1" });
  });
});
