// GitLab deployments (Deployment Hook) of a project Argo CD does not deploy, through the worker,
// built from GitLab's published payload example (tests/fixtures/gitlab/deployment.json): each
// status is an event of its own, so a deployment's rows must come out the same whatever order
// and however often its events arrive; a success makes the deployed commit's release current
// in the environment, and the deployments count in DORA as GitHub's do.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { gitlabPlacement } from "@/lib/deployments/record-gitlab-deployment";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { shaOfCommitUrl } from "@/lib/ingest/handlers/gitlab-deployment";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { getDoraMetrics } from "@/lib/metrics/get-dora-metrics";
import { refreshDoraRollupsUntilClean } from "@/lib/metrics/refresh-dora-rollups";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";
import { deliveries, insertDelivery, quietLog, resetAll } from "../../support/deliveries";
import { gitlabExample } from "../../support/gitlab-examples";

const db = getDb();
const PROJECT = "10.126.0.2:3000/root/test-deployment-webhooks";
const PROJECT_URL = "http://10.126.0.2:3000/root/test-deployment-webhooks";
const A = "279484c09fbe69ededfced8c1bb6e6d24616b468"; // the example's commit
const B = "b".repeat(40);
const t0 = new Date("2021-04-28T19:50:00Z"); // the example's status_changed_at, 21:50 +0200
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

type Status = "running" | "success" | "failed" | "canceled";
type Step = { id: number; sha: string; environment: string; status: Status; at: Date };

/** "2021-04-28 21:50:00 +0200", as GitLab writes status_changed_at (here in UTC). */
const gitlabTimeText = (time: Date) => `${time.toISOString().slice(0, 19).replace("T", " ")} +0000`;

/** The example, moved to this deployment, commit, environment, status and time. */
function deploymentEvent(step: Step): Record<string, any> {
  const body = gitlabExample("deployment");
  Object.assign(body, {
    deployment_id: step.id,
    environment: step.environment,
    environment_slug: step.environment,
    status: step.status,
    status_changed_at: gitlabTimeText(step.at),
    short_sha: step.sha.slice(0, 8),
    commit_url: `${PROJECT_URL}/-/commit/${step.sha}`,
  });
  return body;
}

async function deliver(...bodies: Record<string, any>[]) {
  for (const body of bodies) await insertDelivery({ source: "GITLAB", event: "Deployment Hook", body, orderingKey: PROJECT });
  const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
  expect(summary.failed + summary.quarantined, JSON.stringify((await deliveries()).map((row) => row.lastError))).toBe(0);
}

/** What the pages read, without ids (they depend on arrival order). */
async function fleetRows() {
  const [applications, deployments, releases, phaseLog] = await Promise.all([
    db.application.findMany({
      orderBy: { name: "asc" },
      select: {
        name: true,
        namespace: true,
        syncStatus: true,
        healthStatus: true,
        syncedRevision: true,
        lastOperationPhase: true,
        lastOperationAt: true,
        currentRelease: { select: { version: true } },
        currentReleaseSince: true,
        lastDeployment: { select: { operationKey: true } },
      },
    }),
    db.deployment.findMany({
      orderBy: { operationKey: "asc" },
      select: {
        operationKey: true,
        source: true,
        phase: true,
        status: true,
        startedAt: true,
        finishedAt: true,
        revision: true,
        initiatedBy: true,
        message: true,
        release: { select: { version: true } },
      },
    }),
    db.release.findMany({ orderBy: { version: "asc" }, select: { version: true, commitSha: true, firstSeenAt: true, image: true } }),
    db.deploymentEvent.findMany({ orderBy: [{ at: "asc" }, { kind: "asc" }], select: { kind: true, at: true, detail: true, deployment: { select: { operationKey: true } } } }),
  ]);
  return { applications, deployments, releases, phaseLog };
}

beforeEach(() => resetAll());

describe("reading GitLab's deployment payload", () => {
  it("takes the full SHA from commit_url", () => {
    expect(shaOfCommitUrl(`${PROJECT_URL}/-/commit/${A}`)).toBe(A);
    expect(shaOfCommitUrl(`${PROJECT_URL}/-/commit/${A.toUpperCase()}/`)).toBe(A);
    expect(shaOfCommitUrl(`${PROJECT_URL}/-/commit/279484c0`)).toBeUndefined();
    expect(shaOfCommitUrl(`${PROJECT_URL}/-/tree/${A}`)).toBeUndefined();
  });

  it("places a project's environment as an application named after the environment, its service after the project", () => {
    expect(gitlabPlacement({ repository: "gitlab.com/acme/payments/API", environment: " Production " })).toEqual({ environment: "production", serviceName: "API" });
  });
});

describe("recordGitlabDeployment: the published example", () => {
  it("a success: a GITLAB deployment of the project's staging application, its commit's release current there", async () => {
    await db.commit.create({ data: { repository: PROJECT, sha: A, parentShas: [], parentsExact: true, message: "Add new file", committedAt: at(-30) } });
    await deliver(gitlabExample("deployment"));
    const rows = await fleetRows();
    expect(rows.deployments).toEqual([
      {
        operationKey: "gitlab:15",
        source: "GITLAB",
        phase: "SUCCEEDED",
        status: "SUCCEEDED",
        startedAt: t0,
        finishedAt: t0,
        revision: A,
        initiatedBy: "root",
        message: "deployed by job 796 (http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796)",
        release: { version: "279484c09fbe" },
      },
    ]);
    expect(rows.applications).toEqual([
      expect.objectContaining({ name: "staging", namespace: PROJECT, syncStatus: "SYNCED", syncedRevision: A, currentRelease: { version: "279484c09fbe" }, currentReleaseSince: t0 }),
    ]);
    expect(rows.phaseLog).toEqual([{ kind: "sync-succeeded", at: t0, detail: "by root, job http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796", deployment: { operationKey: "gitlab:15" } }]);
    expect(await db.service.findMany({ select: { name: true, repository: true } })).toEqual([{ name: "test-deployment-webhooks", repository: PROJECT }]);

    // "Where is commit X": in staging since the success.
    const [location] = await findCommitLocations(db, { kind: "sha", prefix: A });
    expect(location!.services).toEqual([
      expect.objectContaining({
        service: expect.objectContaining({ name: "test-deployment-webhooks" }),
        applications: [expect.objectContaining({ environment: "staging", contains: true, since: t0 })],
      }),
    ]);
  });

  it("running records the deployment, no release, nothing running; the success then completes it", async () => {
    await deliver(deploymentEvent({ id: 15, sha: A, environment: "staging", status: "running", at: at(-2) }));
    const running = await fleetRows();
    expect(running.deployments).toEqual([expect.objectContaining({ phase: "RUNNING", status: "RUNNING", startedAt: at(-2), finishedAt: null, release: null })]);
    expect(running.releases).toEqual([]);
    expect(running.applications).toEqual([expect.objectContaining({ healthStatus: "PROGRESSING", currentRelease: null, lastOperationPhase: "RUNNING" })]);

    await deliver(gitlabExample("deployment"));
    const done = await fleetRows();
    expect(done.deployments).toEqual([expect.objectContaining({ phase: "SUCCEEDED", startedAt: at(-2), finishedAt: t0, release: { version: "279484c09fbe" } })]);
    expect(done.phaseLog.map((entry) => entry.kind)).toEqual(["sync-running", "sync-succeeded"]);
  });

  it("a deployment created through the API by a project access token's bot: no job, marked automated", async () => {
    const body = { ...gitlabExample("deployment"), deployable_id: null, deployable_url: null, user: { ...gitlabExample("deployment").user, username: "project_30_bot_4d1c2e" } };
    await deliver(body);
    expect(await db.deployment.findFirstOrThrow({ select: { initiatedBy: true, automated: true, message: true } })).toEqual({
      initiatedBy: "project_30_bot_4d1c2e",
      automated: true,
      message: "deployed by the API or a trigger job",
    });
  });

  it("a status GitLab does not document as a deployment's is ignored with its name; a payload without the full SHA is set aside naming the field", async () => {
    await insertDelivery({ source: "GITLAB", event: "Deployment Hook", body: { ...gitlabExample("deployment"), status: "blocked" }, orderingKey: PROJECT });
    await insertDelivery({
      source: "GITLAB",
      event: "Deployment Hook",
      body: { ...gitlabExample("deployment"), deployment_id: 16, commit_url: `${PROJECT_URL}/-/commit/279484c0` },
      orderingKey: PROJECT,
    });
    await insertDelivery({ source: "GITLAB", event: "Deployment Hook", body: { ...gitlabExample("deployment"), deployment_id: 17, short_sha: "aaaaaaaa" }, orderingKey: "other" });
    await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
    const outcomes = (await deliveries()).map((row) => [row.status, row.lastError]);
    expect(outcomes).toEqual([
      ["IGNORED", null],
      ["QUARANTINED", expect.stringMatching(/^invalid GitLab deployment payload: commit_url: must be the commit's URL, ending in its full 40-character SHA/)],
      ["QUARANTINED", expect.stringMatching(/short_sha: must abbreviate the SHA in commit_url/)],
    ]);
    expect(await db.deployment.count()).toBe(0);
  });
});

describe("recordGitlabDeployment: any arrival order converges", () => {
  // A to staging then production; B fails in production, a retry of B is canceled, B succeeds in staging.
  const history: Step[] = [
    { id: 1, sha: A, environment: "staging", status: "running", at: at(0) },
    { id: 1, sha: A, environment: "staging", status: "success", at: at(2) },
    { id: 2, sha: A, environment: "production", status: "running", at: at(10) },
    { id: 2, sha: A, environment: "production", status: "success", at: at(12) },
    { id: 3, sha: B, environment: "production", status: "running", at: at(20) },
    { id: 3, sha: B, environment: "production", status: "failed", at: at(22) },
    { id: 4, sha: B, environment: "production", status: "running", at: at(25) },
    { id: 4, sha: B, environment: "production", status: "canceled", at: at(26) },
    { id: 5, sha: B, environment: "staging", status: "running", at: at(30) },
    { id: 5, sha: B, environment: "staging", status: "success", at: at(32) },
  ];
  const events = history.map(deploymentEvent);

  async function replay(order: number[]) {
    await resetAll();
    await deliver(...order.map((index) => events[index]!));
    return fleetRows();
  }

  it("in order: what runs where, the releases, and DORA's production counts", async () => {
    const rows = await replay(events.map((_, index) => index));
    expect(rows.releases.map((release) => [release.version, release.commitSha, release.firstSeenAt, release.image])).toEqual([
      ["279484c09fbe", A, at(2), null],
      ["bbbbbbbbbbbb", B, at(32), null],
    ]);
    expect(rows.applications.map((app) => [app.name, app.currentRelease?.version, app.currentReleaseSince, app.lastOperationPhase])).toEqual([
      ["production", "279484c09fbe", at(12), "FAILED"],
      ["staging", "bbbbbbbbbbbb", at(32), "SUCCEEDED"],
    ]);
    // The failure and the cancel in production are B's release too (recorded when B succeeded in staging).
    expect(rows.deployments.filter((row) => row.revision === B).map((row) => [row.operationKey, row.status, row.release?.version])).toEqual([
      ["gitlab:3", "FAILED", "bbbbbbbbbbbb"],
      ["gitlab:4", "FAILED", "bbbbbbbbbbbb"],
      ["gitlab:5", "SUCCEEDED", "bbbbbbbbbbbb"],
    ]);
    expect(rows.deployments.find((row) => row.operationKey === "gitlab:4")?.message).toMatch(/^canceled; /);

    await refreshDoraRollupsUntilClean(db);
    const dora = (await getDoraMetrics({ from: at(-60), to: at(60), now: at(60) }, db))!;
    // Production: A's success, B's failure and B's canceled retry.
    expect(dora.current).toMatchObject({ deployments: 3, failures: 2 });
  });

  const runs = Number(process.env.PROPERTY_RUNS ?? 20);
  it(`writes the same rows for ${runs} shuffled deliveries with duplicates`, async () => {
    const positions = events.map((_, index) => index);
    const expected = await replay(positions);
    const orders = fc
      .tuple(
        fc.shuffledSubarray(positions, { minLength: positions.length, maxLength: positions.length }),
        fc.array(fc.constantFrom(...positions), { maxLength: 4 }),
      )
      .chain(([shuffled, duplicates]) => {
        const withDuplicates = [...shuffled, ...duplicates];
        return fc.shuffledSubarray(withDuplicates, { minLength: withDuplicates.length, maxLength: withDuplicates.length });
      });
    await fc.assert(
      fc.asyncProperty(orders, async (order) => {
        expect(await replay(order)).toEqual(expected);
      }),
      { numRuns: runs, seed: 20210428 },
    );
  }, 600_000);
});
