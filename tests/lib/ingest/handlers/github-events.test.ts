// GitHub deliveries through the worker, from the real payload examples: each event's handler and
// what it leaves in the fleet model. The all-examples test sends each one through the webhook
// endpoint (signed, as GitHub sends it), so accept path, worker and handler are tested as one.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { deliveries, githubFixture, insertDelivery, type Json, quietLog, resetAll } from "../../../support/deliveries";
import { githubFixtures, githubRequest } from "../../../support/webhooks";

vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");
const githubEndpoint = await import("@/app/api/webhooks/github/route");

const db = getDb();
const drain = () => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
const push = (body: Json) => insertDelivery({ source: "GITHUB", event: "push", body });
const sha = (character: string) => character.repeat(40);

beforeEach(() => resetAll());

describe("every GitHub payload example", () => {
  // What each example should come to: acted on, or stored and acknowledged only.
  const expected: Record<string, "PROCESSED" | "IGNORED"> = {
    check_suite: "IGNORED",
    create: "IGNORED",
    delete: "IGNORED",
    deployment: "PROCESSED",
    deployment_status: "PROCESSED",
    "package/published.docker.payload.json": "PROCESSED",
    "package/published.npm.payload.json": "IGNORED",
    ping: "IGNORED",
    pull_request: "PROCESSED",
    // A deleted tag; the new-branch pushes carry a commit.
    push: "IGNORED",
    "push/with-new-branch.payload.json": "PROCESSED",
    "push/with-no-username-committer.payload.json": "PROCESSED",
    registry_package: "PROCESSED",
    release: "IGNORED",
    status: "IGNORED",
    workflow_run: "PROCESSED",
  };

  it("is processed or ignored, never failed, each as its event calls for", async () => {
    const files: string[] = [];
    for (const { event, file: path, text } of await githubFixtures()) {
      const file = path.slice(event.length + 1);
      files.push(path);
      const response = await githubEndpoint.POST(githubRequest(text, { event, delivery: path }), undefined);
      expect({ file, status: response.status }).toEqual({ file, status: 202 });
    }
    expect(files.length).toBeGreaterThan(60);
    const summary = await drain();
    expect(summary.failed + summary.quarantined).toBe(0);

    const outcome = Object.fromEntries((await deliveries()).map((row) => [row.deliveryId, { status: row.status, error: row.lastError }]));
    for (const file of files) {
      const want = expected[file] ?? expected[file.split("/")[0]!];
      expect({ file, ...outcome[file] }).toEqual({ file, status: want, error: null });
    }
  });
});

describe("push", () => {
  it("a new branch: its commit with author, time and no known parent", async () => {
    await push(await githubFixture("push/with-new-branch.payload.json"));
    await drain();
    expect(await db.commit.findMany()).toEqual([
      expect.objectContaining({
        repository: "Codertocat/Hello-World",
        sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        message: "Initial commit",
        authorName: "Codertocat",
        authorLogin: "Codertocat",
        committedAt: new Date("2019-05-15T15:19:25Z"),
      }),
    ]);
  });

  /** The new-branch example, moved on from `before` with these commits. */
  async function pushOf(before: string, commits: { id: string; message?: string; distinct?: boolean }[], extra: Json = {}) {
    const body = await githubFixture("push/with-new-branch.payload.json");
    const template = body.commits[0];
    body.before = before;
    body.after = commits.at(-1)!.id;
    body.created = false;
    body.commits = commits.map((commit, index) => ({
      ...template,
      id: commit.id,
      message: commit.message ?? `change ${index}`,
      distinct: commit.distinct ?? true,
    }));
    return { ...body, ...extra };
  }
  // Raw SQL: Prisma reads a NULL array (parents unknown) as [].
  const parents = async () =>
    Object.fromEntries(
      (await db.$queryRaw<{ sha: string; parent_shas: string[] | null }[]>`SELECT sha, parent_shas FROM commits ORDER BY sha`).map((commit) => [
        commit.sha.slice(0, 1),
        commit.parent_shas?.map((parent) => parent.slice(0, 1)).join("+") ?? null,
      ]),
    );

  it("direct pushes chain from `before`, in payload order", async () => {
    await push(await pushOf(sha("1"), [{ id: sha("a") }, { id: sha("b") }, { id: sha("c") }]));
    await drain();
    expect(await parents()).toEqual({ a: "1", b: "a", c: "b" });
  });

  it("merging a pull request: its commits keep their branch parents; the merge commit's parents are `before` and the branch head", async () => {
    // The pull request's branch, pushed first: a and b on top of main's 1.
    await push(await pushOf(sha("1"), [{ id: sha("a") }, { id: sha("b") }], { ref: "refs/heads/feature" }));
    // Main moved on to 2 meanwhile; merging lists the branch's commits again (not distinct).
    await push(
      await pushOf(sha("2"), [
        { id: sha("a"), distinct: false },
        { id: sha("b"), distinct: false },
        { id: sha("f"), message: "Merge pull request #7 from acme/feature" },
      ]),
    );
    await drain();
    expect(await parents()).toEqual({ a: "1", b: "a", f: "2+b" });
  });

  it("a commit made on top of commits pushed elsewhere chains to them", async () => {
    await push(await pushOf(sha("1"), [{ id: sha("a"), distinct: false }, { id: sha("c") }]));
    await drain();
    // a was not seen before: stored, parent unknown; c was committed on top of it.
    expect(await parents()).toEqual({ a: null, c: "a" });
  });

  it("a forced push records its new commits; the first one's parent is not `before`", async () => {
    await push(await pushOf(sha("1"), [{ id: sha("a") }, { id: sha("b") }]));
    await push(await pushOf(sha("b"), [{ id: sha("c") }, { id: sha("d") }], { forced: true }));
    await drain();
    expect(await parents()).toEqual({ a: "1", b: "a", c: null, d: "c" });
  });

  it("a deleted branch and a tag push change nothing", async () => {
    const deleted = await githubFixture("push/payload.json");
    await push(deleted);
    await push({ ...(await pushOf(sha("1"), [{ id: sha("a") }])), ref: "refs/tags/v1.0.0" });
    await drain();
    expect((await deliveries()).map((row) => row.status)).toEqual(["IGNORED", "IGNORED"]);
    expect(await db.commit.count()).toBe(0);
  });
});

describe("pull_request", () => {
  it("opened: an open pull request with its ticket keys and refs", async () => {
    await insertDelivery({ source: "GITHUB", event: "pull_request", body: await githubFixture("pull_request/opened.payload.json") });
    await drain();
    expect(await db.pullRequest.findFirstOrThrow()).toMatchObject({
      repository: "Codertocat/Hello-World",
      number: 2,
      title: "Update the README with new information.",
      authorLogin: "Codertocat",
      state: "OPEN",
      headRef: "changes",
      baseRef: "master",
      mergeCommitSha: null,
      url: "https://github.com/Codertocat/Hello-World/pull/2",
      openedAt: new Date("2019-05-15T15:20:33Z"),
      mergedAt: null,
    });
  });

  it("closed without merging: CLOSED, GitHub's test merge commit is not kept", async () => {
    await insertDelivery({ source: "GITHUB", event: "pull_request", body: await githubFixture("pull_request/closed.payload.json") });
    await drain();
    expect(await db.pullRequest.findFirstOrThrow()).toMatchObject({ state: "CLOSED", mergeCommitSha: null, closedAt: new Date("2019-05-15T15:21:18Z") });
  });

  it("merged (a copy of closed with merged: true): MERGED and linked to its merge commit", async () => {
    const merged = await githubFixture("pull_request/closed.payload.json");
    merged.pull_request.merged = true;
    merged.pull_request.merged_at = merged.pull_request.closed_at;
    merged.pull_request.merge_commit_sha = sha("e");
    merged.pull_request.title = "PAY-123: Update the README";
    await insertDelivery({ source: "GITHUB", event: "pull_request", body: await githubFixture("pull_request/opened.payload.json") });
    await insertDelivery({ source: "GITHUB", event: "pull_request", body: merged });
    const main = await githubFixture("push/with-new-branch.payload.json");
    main.commits[0].id = sha("e");
    main.after = sha("e");
    await push(main);
    await drain();
    const pr = await db.pullRequest.findFirstOrThrow({ include: { commits: { include: { commit: true } } } });
    expect(pr).toMatchObject({
      state: "MERGED",
      mergeCommitSha: sha("e"),
      mergedAt: new Date("2019-05-15T15:21:18Z"),
      ticketKeys: ["PAY-123"],
    });
    expect(pr.commits.map((link) => link.commit.sha)).toEqual([sha("e")]);
  });
});

describe("registry_package and package", () => {
  it("a published container image is build evidence: image, tag, digest and commit from the payload", async () => {
    await insertDelivery({ source: "GITHUB", event: "registry_package", body: await githubFixture("registry_package/published.docker.payload.json") });
    await drain();
    expect(await db.build.findMany()).toEqual([
      expect.objectContaining({
        repository: "Codertocat/hello-world-npm",
        image: "ghcr.io/codertocat/hello-world",
        // The example's tag name is empty: the org.opencontainers.image.version label names it.
        tag: "nightly",
        digest: "sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b",
        // org.opencontainers.image.revision; target_commitish is only "master".
        commitSha: "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b",
        source: "GITHUB_PACKAGE",
        builtAt: new Date("2019-05-09T23:28:29Z"),
      }),
    ]);
  });

  it("the package event the same way, and the tag GitHub names wins", async () => {
    const tagged = await githubFixture("package/published.docker.payload.json");
    tagged.package.package_version.container_metadata.tag.name = "1.4.2";
    tagged.package.package_version.package_url = "ghcr.io/Codertocat/hello-world:1.4.2";
    await insertDelivery({ source: "GITHUB", event: "package", body: tagged });
    await drain();
    expect(await db.build.findFirstOrThrow()).toMatchObject({ image: "ghcr.io/codertocat/hello-world", tag: "1.4.2", source: "GITHUB_PACKAGE" });
  });

  it("a release already seen running the image learns its commit", async () => {
    await db.service.create({ data: { name: "hello-world" } });
    const service = await db.service.findFirstOrThrow();
    await db.release.create({
      data: { serviceId: service.id, version: "nightly", firstSeenAt: new Date("2019-05-10T00:00:00Z"), image: "ghcr.io/codertocat/hello-world", imageTag: "nightly" },
    });
    await insertDelivery({ source: "GITHUB", event: "registry_package", body: await githubFixture("registry_package/published.docker.payload.json") });
    await drain();
    expect(await db.release.findFirstOrThrow()).toMatchObject({ commitSha: "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b" });
  });

  it("ignored, with the reason: npm packages, untagged versions, versions naming no commit", async () => {
    await insertDelivery({ source: "GITHUB", event: "package", body: await githubFixture("package/published.npm.payload.json") });
    const untagged = await githubFixture("registry_package/published.docker.payload.json");
    delete untagged.registry_package.package_version.container_metadata.labels.all_labels["org.opencontainers.image.version"];
    await insertDelivery({ source: "GITHUB", event: "registry_package", body: untagged });
    const uncommitted = await githubFixture("registry_package/published.docker.payload.json");
    delete uncommitted.registry_package.package_version.container_metadata.labels.all_labels["org.opencontainers.image.revision"];
    await insertDelivery({ source: "GITHUB", event: "registry_package", body: uncommitted });
    await drain();
    expect((await deliveries()).map((row) => row.status)).toEqual(["IGNORED", "IGNORED", "IGNORED"]);
    expect(await db.build.count()).toBe(0);
  });
});

describe("workflow_run", () => {
  it("records the commit the run was on, so SHA-tagged images can find it", async () => {
    await insertDelivery({ source: "GITHUB", event: "workflow_run", body: await githubFixture("workflow_run/completed.payload.json") });
    await drain();
    expect(await db.commit.findMany()).toEqual([
      expect.objectContaining({
        repository: "octo-org/octo-repo",
        sha: "3484a3fb816e0859fd6e1cea078d76385ff50625",
        message: "build(test): check workflow run event payload",
        authorName: "Matthias Fax",
        committedAt: new Date("2020-10-05T16:32:07Z"),
      }),
    ]);
  });

  it("keeps a parent a push already taught", async () => {
    const main = await githubFixture("push/with-new-branch.payload.json");
    main.repository.full_name = "octo-org/octo-repo";
    main.before = sha("1");
    main.created = false;
    main.commits[0].id = "3484a3fb816e0859fd6e1cea078d76385ff50625";
    main.after = main.commits[0].id;
    await push(main);
    await insertDelivery({ source: "GITHUB", event: "workflow_run", body: await githubFixture("workflow_run/completed.payload.json") });
    await drain();
    expect(await db.commit.findFirstOrThrow()).toMatchObject({ parentShas: [sha("1")] });
  });
});

describe("deployment and deployment_status", () => {
  const application = () =>
    db.application.findFirstOrThrow({
      include: { argoInstance: true, environment: true, cluster: true, service: true, lastDeployment: true, currentRelease: true },
    });

  it("a deployment, then its success: one GitHub deployment of the repository's production application", async () => {
    await insertDelivery({ source: "GITHUB", event: "deployment", body: await githubFixture("deployment/payload.json") });
    await drain();
    expect(await db.deployment.findFirstOrThrow()).toMatchObject({ source: "GITHUB", phase: "RUNNING", status: "RUNNING" });
    expect(await application()).toMatchObject({ healthStatus: "PROGRESSING", syncStatus: "OUT_OF_SYNC" });

    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/payload.json") });
    await drain();
    const [deployment, ...others] = await db.deployment.findMany({ include: { events: { orderBy: { at: "asc" } } } });
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({
      source: "GITHUB",
      operationKey: "github:145988746",
      revision: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      phase: "SUCCEEDED",
      status: "SUCCEEDED",
      startedAt: new Date("2019-05-15T15:20:53Z"),
      finishedAt: new Date("2019-05-15T15:20:55Z"),
      initiatedBy: "Codertocat",
      observedAt: new Date("2019-05-15T15:20:55Z"),
    });
    expect(deployment!.events.map((event) => [event.kind, event.at.toISOString()])).toEqual([
      ["sync-running", "2019-05-15T15:20:53.000Z"],
      ["sync-succeeded", "2019-05-15T15:20:55.000Z"],
    ]);
    expect(await application()).toMatchObject({
      argoInstance: { name: "github" },
      namespace: "Codertocat/Hello-World",
      name: "production",
      environment: { name: "production", isProduction: true },
      cluster: { name: "github" },
      service: { name: "Hello-World", repository: "Codertocat/Hello-World" },
      syncStatus: "SYNCED",
      healthStatus: "HEALTHY",
      syncedRevision: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      lastOperationPhase: "SUCCEEDED",
      lastDeployment: { operationKey: "github:145988746" },
    });
  });

  it("the status before the deployment event converges on the same rows", async () => {
    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/payload.json") });
    await insertDelivery({ source: "GITHUB", event: "deployment", body: await githubFixture("deployment/payload.json") });
    await drain();
    expect(await db.deployment.findFirstOrThrow()).toMatchObject({ phase: "SUCCEEDED", finishedAt: new Date("2019-05-15T15:20:55Z") });
    expect(await application()).toMatchObject({ syncStatus: "SYNCED", healthStatus: "HEALTHY" });
  });

  it("the service named after the repository, and the release GitHub recorded for the deployed commit", async () => {
    const service = await db.service.create({ data: { name: "hello-world", repository: "Codertocat/Hello-World" } });
    const release = await db.release.create({
      data: { serviceId: service.id, version: "1.0.0", firstSeenAt: new Date("2019-05-15T15:00:00Z"), commitSha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" },
    });
    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/payload.json") });
    await drain();
    expect(await db.deployment.findFirstOrThrow()).toMatchObject({ serviceId: service.id, releaseId: release.id });
    expect(await application()).toMatchObject({ service: { name: "hello-world" }, currentRelease: { version: "1.0.0" } });
  });

  it("a failed deployment after a good one: the good one still runs, the application is out of sync", async () => {
    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/payload.json") });
    const failed = await githubFixture("deployment_status/payload.json");
    failed.deployment.id = 145988747;
    failed.deployment.sha = sha("9");
    failed.deployment.created_at = "2019-05-16T10:00:00Z";
    failed.deployment.updated_at = "2019-05-16T10:01:00Z";
    failed.deployment_status.state = "failure";
    failed.deployment_status.description = "health check failed";
    failed.deployment_status.created_at = "2019-05-16T10:01:00Z";
    failed.deployment_status.updated_at = "2019-05-16T10:01:00Z";
    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: failed });
    await drain();
    expect(await db.deployment.findFirstOrThrow({ where: { operationKey: "github:145988747" } })).toMatchObject({
      status: "FAILED",
      message: "health check failed",
    });
    expect(await application()).toMatchObject({
      syncStatus: "OUT_OF_SYNC",
      healthStatus: "HEALTHY",
      syncedRevision: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      lastOperationPhase: "FAILED",
      lastDeployment: { operationKey: "github:145988747" },
    });
  });

  it("GitHub Pages: an application per environment", async () => {
    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/payload.json") });
    await insertDelivery({ source: "GITHUB", event: "deployment_status", body: await githubFixture("deployment_status/gh-pages.payload.json") });
    await drain();
    const applications = await db.application.findMany({ orderBy: { name: "asc" }, include: { lastDeployment: true } });
    expect(applications.map((app) => [app.name, app.lastDeployment?.status])).toEqual([
      ["github-pages", "RUNNING"],
      ["production", "SUCCEEDED"],
    ]);
  });
});
