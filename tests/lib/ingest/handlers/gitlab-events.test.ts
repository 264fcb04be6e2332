// GitLab deliveries through the endpoint, the worker and the handlers into the model, from
// GitLab's published payload examples (tests/fixtures/gitlab), with what /api/v1 then says; and
// a rebuild from the stored deliveries giving the same model. Variants (a merged merge request,
// a merge commit's push) are copies of the examples edited in code: GitLab publishes one example
// per event, and its merge request example is an opened one.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GET as getCommitRoute } from "@/app/api/v1/commits/[query]/route";
import { GET as getDeploymentRoute } from "@/app/api/v1/deployments/[id]/route";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { rebuildProjections } from "@/lib/ingest/replay/replay-deliveries";
import { processDelivery } from "@/lib/ingest/queue/process-delivery";
import { getIngestionHealth } from "@/lib/ingest/status/get-ingestion-health";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { deliveries, insertDelivery, quietLog, resetAll } from "../../../support/deliveries";
import { dumpFleet } from "../../../support/dump-fleet";
import { GITLAB_EVENTS, type GitlabExample, gitlabExample, gitlabExampleText, gitlabRequest } from "../../../support/gitlab-examples";
import { callRoute } from "../../../support/read-api";

vi.stubEnv("GITLAB_WEBHOOK_SECRET", "gitlab-secret-new");
const endpoint = await import("@/app/api/webhooks/gitlab/route");

const db = getDb();
const drain = () => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
const deliver = async (body: string | Record<string, unknown>, event: string, uuid?: string) => {
  const response = await endpoint.POST(gitlabRequest(typeof body === "string" ? body : JSON.stringify(body), { event, uuid }), undefined);
  expect(response.status).toBe(202);
};

const DIASPORA = "example.com/mike/diaspora";
const [FIRST, SECOND] = ["b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"] as const;

/** The merge request example, merged into the push example's project as `sha`, with a description naming issues. */
function mergedRequest(fields: Record<string, unknown>): Record<string, any> {
  const mr = gitlabExample("merge_request");
  mr.project = gitlabExample("push").project;
  Object.assign(mr.object_attributes, {
    state: "merged",
    action: "merge",
    updated_at: "2013-12-04T09:00:00Z",
    description: "Closes #12 and gitlab-org/gitlab#345; see PAY-77 and diaspora#3. Not a reference: &#123; or /blob#L12.",
    ...fields,
  });
  return mr;
}

beforeEach(() => resetAll());

/** What the worker's dispatch answers for one GitLab event: the ignore reasons are not stored with the delivery. */
const outcomeOf = (event: string, body: unknown) =>
  processDelivery({
    db,
    directory: new FleetDirectory(),
    delivery: { id: 0n, source: "GITLAB", event, orderingKey: null, body: JSON.stringify(body), receivedAt: new Date(), attempts: 0 },
  });

/** Parents as stored: null (unknown) is not [] (a root commit), which Prisma's list reads cannot tell apart. */
const parentsOf = (repository: string) =>
  db.$queryRaw<{ sha: string; parent_shas: string[] | null; paths: string[] | null }[]>`
    SELECT sha, parent_shas, paths FROM commits WHERE repository = ${repository} ORDER BY committed_at`;

describe("every GitLab payload example", () => {
  const expected: Record<GitlabExample, "PROCESSED" | "IGNORED"> = {
    push: "PROCESSED",
    // A tag adds no commits; a job names no image nor its commit's time; releases are not
    // modelled, as GitHub's (docs/setup-gitlab.md).
    tag_push: "IGNORED",
    merge_request: "PROCESSED",
    deployment: "PROCESSED",
    pipeline: "PROCESSED",
    job: "IGNORED",
    release: "IGNORED",
  };

  it("is processed or ignored, never failed, each as its event calls for", async () => {
    for (const name of Object.keys(expected) as GitlabExample[]) await deliver(gitlabExampleText(name), GITLAB_EVENTS[name], name);
    const summary = await drain();
    expect(summary.failed + summary.quarantined).toBe(0);
    const outcome = Object.fromEntries((await deliveries()).map((row) => [row.deliveryId, { status: row.status, error: row.lastError }]));
    for (const name of Object.keys(expected)) expect({ name, ...outcome[name] }).toEqual({ name, status: expected[name as GitlabExample], error: null });

    // The ingestion page (Settings → Ingestion) reads this: GitLab listed, every example received, none failing.
    const health = await getIngestionHealth();
    expect(health.sources.find((source) => source.source === "GITLAB")).toMatchObject({
      received: { lastHour: Object.keys(expected).length, lastDay: Object.keys(expected).length },
      failures: { lastHour: 0, lastDay: 0 },
      recentProblems: [],
    });
  });
});

describe("push", () => {
  it("records the example's commits under the project's host/path, chained in order; /api/v1/commits finds them", async () => {
    await deliver(gitlabExampleText("push"), "Push Hook");
    await drain();
    const commits = await parentsOf(DIASPORA);
    expect(commits.map((commit) => [commit.sha, commit.parent_shas, commit.paths])).toEqual([
      // total_commits_count is 4 and 2 are listed: the first listed one's parent is unknown.
      [FIRST, null, ["CHANGELOG", "app/controller/application.rb"]],
      [SECOND, [FIRST], ["CHANGELOG", "app/controller/application.rb"]],
    ]);
    expect(await db.commit.findFirst({ where: { sha: FIRST } })).toMatchObject({ authorName: "Jordi Mallach", committedAt: new Date("2011-12-12T12:27:31Z") });

    const answer = await callRoute(getCommitRoute, `/api/v1/commits/${SECOND.slice(0, 10)}`, { query: SECOND.slice(0, 10) });
    expect(answer.status).toBe(200);
    expect(answer.body.matches).toHaveLength(1);
    expect(answer.body.matches[0].commit).toMatchObject({ sha: SECOND, repository: DIASPORA, message: "fixed readme" });
  });

  it("gives a merge commit `before` and the merged branch's head as parents, leaving the branch's own commits' parents to their push", async () => {
    const push = gitlabExample("push");
    push.total_commits_count = 3;
    const merge = { ...push.commits[1], id: "c".repeat(40), message: "Merge branch 'fix-readme' into 'master'\n\nSee merge request mike/diaspora!7", timestamp: "2012-01-04T10:00:00+02:00" };
    push.commits.push(merge);
    push.after = merge.id;
    await deliver(push, "Push Hook");
    await drain();
    const parents = Object.fromEntries((await parentsOf(DIASPORA)).map((commit) => [commit.sha, commit.parent_shas]));
    expect(parents).toEqual({ [FIRST]: null, [SECOND]: null, ["c".repeat(40)]: [push.before, SECOND] });
  });

  it("ignores a branch deletion", async () => {
    const push = gitlabExample("push");
    push.after = "0".repeat(40);
    push.commits = [];
    await deliver(push, "Push Hook");
    await drain();
    expect((await deliveries())[0]).toMatchObject({ status: "IGNORED", lastError: null });
    expect(await db.commit.count()).toBe(0);
  });
});

describe("merge request", () => {
  it("records the opened example as an open pull request of its project, numbered by iid", async () => {
    await deliver(gitlabExampleText("merge_request"), "Merge Request Hook");
    await drain();
    expect(await db.pullRequest.findMany()).toMatchObject([
      { repository: "example.com/gitlabhq/gitlab-test", number: 1, title: "MS-Viewport", state: "OPEN", headRef: "ms-viewport", baseRef: "master", mergeCommitSha: null, url: "http://example.com/diaspora/merge_requests/1" },
    ]);
  });

  it("merged: links its merge commit, with Jira keys and GitLab issue references as tickets; a late update does not un-merge it", async () => {
    await deliver(gitlabExampleText("push"), "Push Hook");
    await deliver(mergedRequest({ merge_commit_sha: SECOND }), "Merge Request Hook");
    const late = mergedRequest({ state: "opened", action: "update", merge_commit_sha: null });
    await deliver(late, "Merge Request Hook");
    await drain();

    const answer = await callRoute(getCommitRoute, `/api/v1/commits/${SECOND}`, { query: SECOND });
    expect(answer.status).toBe(200);
    expect(answer.body.matches[0].commit.pullRequests).toEqual([
      {
        number: 1,
        title: "MS-Viewport",
        url: "http://example.com/diaspora/merge_requests/1",
        ticketKeys: ["PAY-77", "gitlab-org/gitlab#345", "mike/diaspora#12", "mike/diaspora#3"],
      },
    ]);
    expect(await db.pullRequest.findFirstOrThrow()).toMatchObject({ state: "MERGED", mergeCommitSha: SECOND, mergedAt: new Date("2013-12-04T09:00:00Z") });
  });

  it("merged by a fast-forward squash (no merge commit): links the squash commit", async () => {
    await deliver(mergedRequest({ merge_commit_sha: null, squash_commit_sha: FIRST }), "Merge Request Hook");
    // The commit arrives after the merge request: the link is made then.
    await deliver(gitlabExampleText("push"), "Push Hook");
    await drain();
    const links = await db.pullRequestCommit.findMany({ include: { commit: true } });
    expect(links.map((link) => link.commit.sha)).toEqual([FIRST]);
  });
});

describe("deployment", () => {
  it("the example becomes a GitLab deployment to staging, as /api/v1/deployments/{id} says, idempotent on the event's UUID", async () => {
    await deliver(gitlabExampleText("deployment"), "Deployment Hook", "deployment-15-success");
    const again = await endpoint.POST(gitlabRequest(gitlabExampleText("deployment"), { event: "Deployment Hook", uuid: "deployment-15-success" }), undefined);
    expect(again.status).toBe(200);
    expect((await drain()).failed).toBe(0);
    const { id } = await db.deployment.findFirstOrThrow({ select: { id: true } });
    const answer = await callRoute(getDeploymentRoute, `/api/v1/deployments/${id}`, { id: String(id) });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      source: "GITLAB",
      status: "SUCCEEDED",
      revision: "279484c09fbe69ededfced8c1bb6e6d24616b468",
      initiatedBy: "root",
      environment: "staging",
      release: { version: "279484c09fbe", commitSha: "279484c09fbe69ededfced8c1bb6e6d24616b468", image: null },
      events: [{ kind: "sync-succeeded", at: "2021-04-28T19:50:00.000Z", detail: "by root, job http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796" }],
    });
  });
});

describe("pipeline", () => {
  const PIPELINE_COMMIT = "bcbb5ec396a2c0f828686f14fac9b80b780504f2";

  it("a successful pipeline records the commit it ran on (no image is named): /api/v1/commits finds it", async () => {
    await deliver(gitlabExampleText("pipeline"), "Pipeline Hook");
    await drain();
    expect(await parentsOf("192.168.64.1:3005/gitlab-org/gitlab-test")).toEqual([{ sha: PIPELINE_COMMIT, parent_shas: null, paths: null }]);
    expect(await db.commit.findFirst({ where: { sha: PIPELINE_COMMIT } })).toMatchObject({ authorName: "User", committedAt: new Date("2016-08-12T15:23:21Z") });
    expect(await db.build.count()).toBe(0);
    const answer = await callRoute(getCommitRoute, `/api/v1/commits/${PIPELINE_COMMIT.slice(0, 8)}`, { query: PIPELINE_COMMIT.slice(0, 8) });
    expect(answer.body.matches[0].commit).toMatchObject({ sha: PIPELINE_COMMIT, repository: "192.168.64.1:3005/gitlab-org/gitlab-test", message: "test\n" });
  });

  it("a pipeline that has not succeeded, or runs a fork's merge request, records nothing and says why", async () => {
    const running = gitlabExample("pipeline");
    running.object_attributes.status = "running";
    const fork = gitlabExample("pipeline");
    fork.merge_request.source_project_id = 41;
    expect([await outcomeOf("Pipeline Hook", running), await outcomeOf("Pipeline Hook", fork)]).toEqual([
      { status: "IGNORED", reason: `pipeline 31 on ${PIPELINE_COMMIT} is running: only a successful pipeline is evidence for its commit` },
      { status: "IGNORED", reason: `pipeline 31 on ${PIPELINE_COMMIT}: a merge request from another project (a fork's commit)` },
    ]);
    expect(await db.commit.count()).toBe(0);
  });
});

describe("job, release and tag push", () => {
  it("are stored and acknowledged, each with what it was and why it adds nothing", async () => {
    const succeeded = gitlabExample("job");
    succeeded.build_status = "success";
    const outcomes = [
      await outcomeOf("Job Hook", succeeded),
      await outcomeOf("Release Hook", gitlabExample("release")),
      await outcomeOf("Tag Push Hook", gitlabExample("tag_push")),
    ];
    expect(outcomes).toEqual([
      { status: "IGNORED", reason: "job 1977 (test) success on 2293ada6b400935a1378653304eaf6221e0fdb8f: a job names no image and no commit time; its pipeline's event records the commit" },
      { status: "IGNORED", reason: "release v1.1 create: GitLab releases are not modelled yet, as GitHub's (stored for replay)" },
      { status: "IGNORED", reason: "tag push (refs/tags/v1.0.0): tags are not modelled" },
    ]);
    expect(await db.commit.count()).toBe(0);
  });
});

describe("build evidence from GitLab CI (a build report naming the project)", () => {
  it("links the image to the GitLab commit the push recorded", async () => {
    await deliver(gitlabExampleText("push"), "Push Hook");
    await insertDelivery({
      source: "BUILD",
      event: "build",
      body: { service: "diaspora", repository: DIASPORA, commitSha: SECOND, image: "registry.example.com/mike/diaspora", tag: "da156088", builtAt: "2012-01-04T08:00:00Z" },
    });
    const summary = await drain();
    expect(summary.failed + summary.quarantined).toBe(0);
    expect(await db.build.findMany()).toMatchObject([{ repository: DIASPORA, commitSha: SECOND, image: "registry.example.com/mike/diaspora", tag: "da156088" }]);
  });
});

describe("a rebuild from the stored GitLab deliveries", () => {
  it("gives the same model as live processing", async () => {
    await deliver(gitlabExampleText("push"), "Push Hook");
    await deliver(mergedRequest({ merge_commit_sha: SECOND }), "Merge Request Hook");
    await deliver(gitlabExampleText("tag_push"), "Tag Push Hook");
    await deliver(gitlabExampleText("deployment"), "Deployment Hook");
    await deliver(gitlabExampleText("pipeline"), "Pipeline Hook");
    await deliver(gitlabExampleText("release"), "Release Hook");
    await drain();
    const before = await dumpFleet(databaseUrl());
    expect(before.pull_request_commits).toHaveLength(1);
    expect(before.commits).toHaveLength(3);
    expect(before.deployments).toHaveLength(1);

    const summary = await rebuildProjections({ log: quietLog() });
    expect(summary).toMatchObject({ deliveries: 6, processed: 4, ignored: 2, failed: 0, quarantined: 0 });
    expect(await dumpFleet(databaseUrl())).toEqual(before);
  });
});
