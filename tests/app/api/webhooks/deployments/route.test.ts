// POST /api/webhooks/deployments through the exported route handler with real Request objects and
// a real database: what is stored, what is refused and why. Then, end to end, a service deployed
// only through these events: GitHub's push (signed, through its route), the events, the worker,
// and "where is commit X" answered by GET /api/v1/commits/{sha}.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getCommitRoute } from "@/app/api/v1/commits/[query]/route";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { quietLog } from "../../../../support/deliveries";
import { githubExample } from "../../../../support/github-examples";
import { callRoute } from "../../../../support/read-api";
import { bearerRequest, countDeliveries, githubRequest, storedDeliveries, warmDatabase } from "../../../../support/webhooks";

vi.stubEnv("DEPLOYER_WEBHOOK_TOKENS", "deployer-token-old,deployer-token");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "build-token");
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");
afterAll(() => void vi.unstubAllEnvs());
beforeAll(warmDatabase);

const { POST } = await import("../../../../../app/api/webhooks/deployments/route");
const { POST: githubPost } = await import("../../../../../app/api/webhooks/github/route");
const send = (body: unknown, headers: Record<string, string> = {}, token: string | null = "deployer-token") =>
  POST(bearerRequest("deployments", typeof body === "string" ? body : JSON.stringify(body), token, headers), undefined);
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

const SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
/** The event docs/webhooks.md shows: a serverless function's deployment that succeeded. */
const event = (overrides: Record<string, unknown> = {}) => ({
  schemaVersion: "v1",
  deploymentId: "deploy-4711",
  service: "checkout",
  environment: "production",
  target: { region: "eu-west-1", function: "checkout-api" },
  repository: "acme/checkout",
  version: "1.4.2",
  commitSha: SHA,
  status: "succeeded",
  startedAt: "2026-03-05T07:30:00Z",
  finishedAt: "2026-03-05T07:32:10Z",
  by: "alice",
  ...overrides,
});

describe("deployment events", () => {
  it("are accepted with either configured token, and stored with the service as ordering key", async () => {
    const body = JSON.stringify(event());
    const response = await send(body);
    expect(response.status).toBe(202);
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    const [row] = await storedDeliveries("DEPLOYER", deliveryId);
    expect(row).toMatchObject({ event: "deployment", orderingKey: "checkout", body, status: "PENDING" });
    expect(row?.headers).toMatchObject({ "x-shiplog-authenticated-by": "DEPLOYER_WEBHOOK_TOKENS[1]" });
    expect((await send(event({ deploymentId: "deploy-4712" }), {}, "deployer-token-old")).status).toBe(202);
  });

  it("are duplicates when retried, and new facts when the same deployment changes status", async () => {
    const started = event({ deploymentId: "deploy-5000", status: "started", finishedAt: undefined });
    const first = (await (await send(started)).json()) as { deliveryId: string };
    const retried = await send(started);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ status: "duplicate", deliveryId: first.deliveryId });
    expect((await send(event({ deploymentId: "deploy-5000" }))).status).toBe(202);
    expect((await send(event({ deploymentId: "deploy-5000", target: { region: "us-east-1", function: "checkout-api" } }))).status).toBe(202);
  });

  it("use the Idempotency-Key header when given, and refuse it reused for another body (409)", async () => {
    const key = `pipeline-${randomUUID()}`;
    const accepted = await send(event({ deploymentId: "deploy-6000" }), { "idempotency-key": key });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ status: "accepted", deliveryId: key });
    expect((await send(event({ deploymentId: "deploy-6000" }), { "idempotency-key": key })).status).toBe(200);
    const reused = await send(event({ deploymentId: "deploy-6001" }), { "idempotency-key": key });
    expect(reused.status).toBe(409);
    expect((await errorOf(reused)).message).toContain(key);
    expect(await storedDeliveries("DEPLOYER", key)).toHaveLength(1);
  });

  it("answer 400 naming the field and the reason when invalid, and store nothing", async () => {
    const before = await countDeliveries();
    const { schemaVersion: _version, ...unversioned } = event();
    const { service: _service, ...withoutService } = event();
    const cases: Array<[unknown, RegExp]> = [
      [unversioned, /schemaVersion: is required: "v1"/],
      [event({ schemaVersion: "v2" }), /^schemaVersion "v2" is not a version this Shiplog reads \(v1\)/],
      [withoutService, /service/],
      [event({ commitSha: "6113728" }), /commitSha: must be a full 40-character commit SHA/],
      [event({ status: "done" }), /status/],
      [event({ finishedAt: undefined }), /finishedAt: is required when status is "succeeded"/],
      [event({ finishedAt: "2026-03-05T07:00:00Z" }), /finishedAt: must not be before startedAt/],
      [event({ startedAt: "yesterday" }), /startedAt/],
      [event({ repository: "checkout" }), /repository: must be "owner\/name"/],
      [event({ target: { zone: "a" } }), /zone/],
      [event({ service: " checkout" }), /service: must not start or end with spaces/],
      [event({ deploymentd: "typo" }), /deploymentd/],
      [[event()], /expected object/],
      ["{", /not JSON/],
    ];
    for (const [body, reason] of cases) {
      const response = await send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).message, JSON.stringify(body)).toMatch(reason);
    }
    expect((await send(event(), { "idempotency-key": "has spaces in it" })).status).toBe(400);
    expect(await countDeliveries()).toBe(before);
  });

  it("are refused without a valid token (401), with another source's token (401), or above 256 KiB (413)", async () => {
    const before = await countDeliveries();
    expect((await send(event(), {}, null)).status).toBe(401);
    expect((await send(event(), {}, "wrong")).status).toBe(401);
    expect((await send(event(), {}, "build-token")).status).toBe(401);
    expect((await send(event({ message: "x".repeat(300 * 1024) }))).status).toBe(413);
    expect(await countDeliveries()).toBe(before);
  });
});

describe("where is commit X, for a service deployed only through deployment events", () => {
  it("names the targets running the release that carries it, from the webhooks to the read API", async () => {
    const repository = "acme/payments-fn";
    const [c0, target] = ["a1".repeat(20), "b2".repeat(20)];
    // GitHub's push example, carrying this repository and two commits.
    const push = githubExample("push/with-new-branch.payload.json");
    const template = push.commits[0];
    push.ref = "refs/heads/main";
    push.before = "0".repeat(40);
    push.after = target;
    push.repository.full_name = repository;
    push.commits = [
      { ...template, id: c0, message: "Payments webhook retries", timestamp: "2026-11-20T08:00:00Z", distinct: true },
      { ...template, id: target, message: "Fix refund rounding", timestamp: "2026-11-20T09:00:00Z", distinct: true },
    ];
    push.head_commit = push.commits[1];
    expect((await githubPost(githubRequest(JSON.stringify(push), { event: "push" }), undefined)).status).toBe(202);

    const deploy = (region: string, version: string, commitSha: string, startedAt: string, status = "succeeded") =>
      send({
        schemaVersion: "v1",
        service: "payments-fn",
        environment: "Production",
        target: { region, function: "payments" },
        repository,
        version,
        commitSha,
        images: [`registry.test/acme/payments-fn:${version}`],
        status,
        startedAt,
        ...(status === "started" ? {} : { finishedAt: new Date(Date.parse(startedAt) + 90_000).toISOString() }),
        by: "deploy-bot",
        automated: true,
      });
    for (const [region, start] of [["eu-west-1", "10:00"], ["us-east-1", "10:05"], ["ap-south-1", "10:10"]] as const) {
      expect((await deploy(region, "2026.11.1", c0, `2026-11-20T${start}:00Z`)).status).toBe(202);
    }
    // The fix: succeeded in two regions (their events arrive before the start), failed in the third.
    expect((await deploy("us-east-1", "2026.11.2", target, "2026-11-20T11:05:00Z")).status).toBe(202);
    expect((await deploy("eu-west-1", "2026.11.2", target, "2026-11-20T11:00:00Z")).status).toBe(202);
    expect((await deploy("eu-west-1", "2026.11.2", target, "2026-11-20T11:00:00Z", "started")).status).toBe(202);
    expect((await deploy("ap-south-1", "2026.11.2", target, "2026-11-20T11:10:00Z", "failed")).status).toBe(202);

    const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
    expect(summary.failed + summary.quarantined).toBe(0);

    const answer = await callRoute(getCommitRoute, `/api/v1/commits/${target.slice(0, 10)}`, { query: target.slice(0, 10) });
    expect(answer.status).toBe(200);
    const [match] = answer.body.matches;
    expect(match.commit.sha).toBe(target);
    const [service] = match.services;
    expect(service.service.name).toBe("payments-fn");
    expect(service.firstRelease.version).toBe("2026.11.2");
    const where = service.applications
      .map((app: { name: string; contains: boolean; currentRelease: { version: string } | null }) => [app.name, app.contains, app.currentRelease?.version])
      .sort();
    expect(where).toEqual([
      ["production/ap-south-1/payments", false, "2026.11.1"],
      ["production/eu-west-1/payments", true, "2026.11.2"],
      ["production/us-east-1/payments", true, "2026.11.2"],
    ]);
    // The earlier commit is inside both releases: it runs everywhere.
    const earlier = await callRoute(getCommitRoute, `/api/v1/commits/${c0}`, { query: c0 });
    expect(earlier.body.matches[0].services[0].firstRelease.version).toBe("2026.11.1");
    expect(earlier.body.matches[0].services[0].applications.every((app: { contains: boolean }) => app.contains)).toBe(true);

    const deployments = await getDb().deployment.findMany({
      where: { service: { name: "payments-fn" } },
      select: { source: true, status: true, release: { select: { version: true, image: true, imageTag: true } } },
    });
    expect(deployments).toHaveLength(6);
    expect(deployments.every((row) => row.source === "DEPLOYER")).toBe(true);
    expect(deployments.filter((row) => row.status === "FAILED").map((row) => row.release?.version)).toEqual(["2026.11.2"]);
    expect(deployments[0]!.release).toMatchObject({ image: "registry.test/acme/payments-fn" });
  });
});
