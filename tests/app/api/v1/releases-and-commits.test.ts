// GET /api/v1/releases/{id}, /api/v1/commits/{sha} and /api/v1/commits?q= against the
// 12-service demo fleet.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getCommitRoute } from "@/app/api/v1/commits/[query]/route";
import { GET as searchCommitsRoute } from "@/app/api/v1/commits/route";
import { GET as getReleaseRoute } from "@/app/api/v1/releases/[id]/route";
import { getDb } from "@/lib/db/client";
import { getRelease, releaseDetailSchema } from "@/lib/releases/get-release";
import { commitLookupSchema } from "@/lib/trace/commit-lookup-schema";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";
import { callRoute, seedSmallFleet } from "../../../support/read-api";

beforeAll(seedSmallFleet);

describe("GET /api/v1/releases/{id}", () => {
  it("answers the release: commits with pull requests, tickets, authors, where it runs and its rollout", async () => {
    const db = getDb();
    // A release that added several commits and runs somewhere now.
    const [{ id } = { id: 0 }] = await db.$queryRaw<{ id: number }[]>`
      SELECT r.id FROM releases r
      WHERE (SELECT count(*) FROM release_commits rc WHERE rc.release_id = r.id) > 1
        AND EXISTS (SELECT 1 FROM applications a WHERE a.current_release_id = r.id)
      ORDER BY r.id LIMIT 1`;
    const answer = await callRoute(getReleaseRoute, `/api/v1/releases/${id}`, { id: String(id) });
    expect(answer.status).toBe(200);
    const detail = (await getRelease(id))!;
    expect(releaseDetailSchema.parse(detail)).toEqual(detail);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(detail)));

    const release = await db.release.findUniqueOrThrow({
      where: { id },
      include: {
        service: true,
        commits: { include: { commit: { include: { pullRequests: { include: { pullRequest: true } } } } } },
        currentApplications: { where: { deletedAt: null } },
        deployments: true,
      },
    });
    expect(answer.body).toMatchObject({ id, version: release.version, commitSha: release.commitSha, commitsComplete: release.commitsComplete, service: { name: release.service.name } });
    const commits = release.commits.map((link) => link.commit);
    expect(answer.body.commitCount).toBe(commits.length);
    expect(answer.body.commits.map((commit: { sha: string }) => commit.sha).sort()).toEqual(commits.map((commit) => commit.sha).sort());
    const pullRequests = commits.flatMap((commit) => commit.pullRequests.map((link) => link.pullRequest));
    expect(answer.body.tickets).toEqual([...new Set(pullRequests.flatMap((pr) => pr.ticketKeys))].sort());
    expect(answer.body.tickets.length).toBeGreaterThan(0);
    expect(answer.body.authors).toEqual([...new Set(commits.map((commit) => commit.authorLogin ?? commit.authorName).filter(Boolean))].sort());
    const withPr = answer.body.commits.find((commit: { pullRequests: unknown[] }) => commit.pullRequests.length > 0);
    expect(withPr.pullRequests[0]).toMatchObject({ number: expect.any(Number), title: expect.any(String), ticketKeys: expect.any(Array) });

    expect(answer.body.runningOn.map((application: { id: number }) => application.id).sort()).toEqual(release.currentApplications.map((application) => application.id).sort());
    const rolledOut = answer.body.rollout.flatMap((entry: { application: { id: number }; deployments: { id: number }[] }) =>
      entry.deployments.map((deployment) => ({ application: entry.application.id, deployment: deployment.id })),
    );
    expect(rolledOut.map((entry: { deployment: number }) => entry.deployment).sort()).toEqual(release.deployments.map((deployment) => deployment.id).sort());
    for (const entry of rolledOut) {
      expect(release.deployments.find((deployment) => deployment.id === entry.deployment)!.applicationId).toBe(entry.application);
    }
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect((await callRoute(getReleaseRoute, "/api/v1/releases/99999", { id: "99999" })).status).toBe(404);
    const malformed = await callRoute(getReleaseRoute, "/api/v1/releases/v1.2.3", { id: "v1.2.3" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/^id: /);
  });
});

describe("GET /api/v1/commits", () => {
  let commit: { sha: string; repository: string; number: number; ticket: string };

  beforeAll(async () => {
    const [row] = await getDb().$queryRaw<(typeof commit)[]>`
      SELECT c.sha, c.repository, p.number, p.ticket_keys[1] AS ticket FROM commits c
      JOIN pull_request_commits pc ON pc.commit_id = c.id JOIN pull_requests p ON p.id = pc.pull_request_id
      JOIN release_commits rc ON rc.commit_id = c.id
      ORDER BY c.id LIMIT 1`;
    commit = row!;
  });

  it("finds where a commit runs by SHA prefix in the path", async () => {
    const prefix = commit.sha.slice(0, 8);
    const answer = await callRoute(getCommitRoute, `/api/v1/commits/${prefix}`, { query: prefix.toUpperCase() });
    expect(answer.status).toBe(200);
    const matches = await findCommitLocations(getDb(), { kind: "sha", prefix });
    const lookup = { query: { kind: "sha", prefix }, matches };
    expect(commitLookupSchema.parse(lookup)).toEqual(lookup);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(lookup)));
    expect(answer.body.matches[0].commit.sha).toBe(commit.sha);
    expect(answer.body.matches[0].services[0].applications.length).toBeGreaterThan(0);
  });

  it("finds a pull request (owner/repo#12) and a ticket key through ?q=", async () => {
    const byPullRequest = await callRoute(searchCommitsRoute, `/api/v1/commits?q=${encodeURIComponent(`${commit.repository}#${commit.number}`)}`);
    expect(byPullRequest.status).toBe(200);
    expect(byPullRequest.body.query).toEqual({ kind: "pull-request", repository: commit.repository, number: commit.number });
    expect(byPullRequest.body.matches.map((match: { commit: { sha: string } }) => match.commit.sha)).toContain(commit.sha);

    const byTicket = await callRoute(searchCommitsRoute, `/api/v1/commits?q=${commit.ticket.toLowerCase()}`);
    expect(byTicket.body.query).toEqual({ kind: "ticket", key: commit.ticket });
    expect(byTicket.body.matches.map((match: { commit: { sha: string } }) => match.commit.sha)).toContain(commit.sha);

    const nothing = await callRoute(searchCommitsRoute, "/api/v1/commits?q=NOPE-1");
    expect(nothing).toMatchObject({ status: 200, body: { query: { kind: "ticket", key: "NOPE-1" }, matches: [] } });
  });

  it("answers 404 for a SHA nobody knows and 400 for what is not a query", async () => {
    const unknown = await callRoute(getCommitRoute, "/api/v1/commits/0000000", { query: "0000000" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe("No known commit starts with 0000000.");
    for (const query of ["abc", "not-a-sha", "PAY-12"]) {
      const answer = await callRoute(getCommitRoute, `/api/v1/commits/${query}`, { query });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message, query).toMatch(/^query: must be a commit SHA/);
    }
    for (const [search, message] of [
      ["", /^q: /],
      ["?q=hello%20world", /^q: must be a SHA prefix/],
      ["?q=abc123", /^q: must be a SHA prefix/],
    ] as const) {
      const answer = await callRoute(searchCommitsRoute, `/api/v1/commits${search}`);
      expect(answer.status, search).toBe(400);
      expect(answer.body.error.message, search).toMatch(message);
    }
  });
});
