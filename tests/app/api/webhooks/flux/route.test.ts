// POST /api/webhooks/flux through the exported route handler with real Request objects and a real
// database, carrying Flux's published event examples (tests/fixtures/flux): the signature (two
// secrets while rotating, tampering refused whatever is changed), stored tokens as a bearer
// header, idempotency on the derived id, bad input. Then, end to end, "where is commit X" for a
// GitLab project deployed by Flux: GitLab's push example through its route, Flux's events, the
// worker, and GET /api/v1/commits/{sha}.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getCommitRoute } from "@/app/api/v1/commits/[query]/route";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { createWebhookToken } from "@/lib/webhook-tokens/create-webhook-token";
import { revokeWebhookToken } from "@/lib/webhook-tokens/revoke-webhook-token";
import { quietLog } from "../../../../support/deliveries";
import { fluxEvent, fluxExampleText, fluxRequest, signFluxBody } from "../../../../support/flux-examples";
import { gitlabExampleText, gitlabRequest } from "../../../../support/gitlab-examples";
import { callRoute } from "../../../../support/read-api";
import { countDeliveries, distinctCopy, storedDeliveries, warmDatabase } from "../../../../support/webhooks";

// Two secrets while rotating: the old one (index 0) still works until it is removed.
vi.stubEnv("FLUX_WEBHOOK_SECRET", "flux-secret-old, flux-secret-new");
vi.stubEnv("FLUX_CLUSTER", "prod-eu");
vi.stubEnv("GITLAB_WEBHOOK_SECRET", "gitlab-secret-new");
afterAll(() => void vi.unstubAllEnvs());

const { POST } = await import("../../../../../app/api/webhooks/flux/route");
const { POST: gitlabPost } = await import("../../../../../app/api/webhooks/gitlab/route");
const send = (request: Request) => POST(request, undefined);
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;
const runs = Number(process.env.PROPERTY_RUNS ?? 20);

let example: string;
beforeAll(async () => {
  example = fluxExampleText("generic-provider");
  await warmDatabase();
});

describe("the signature", () => {
  it("lets the published example in under the current secret: 202, stored with its reason, object key and headers", async () => {
    const response = await send(fluxRequest(example));
    expect(response.status).toBe(202);
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    expect(deliveryId).toMatch(/^[0-9a-f]{64}$/);
    const [row, ...rest] = await storedDeliveries("FLUX", deliveryId);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ event: "ValidationFailed", orderingKey: "prod-eu/Kustomization/apps/webapp", body: example, status: "PENDING" });
    expect(row?.headers).toMatchObject({ "gotk-component": "kustomize-controller", "x-shiplog-authenticated-by": "FLUX_WEBHOOK_SECRET[1]" });
    expect(JSON.stringify(row?.headers)).not.toContain("flux-secret");
  });

  it("accepts the previous secret during a rotation, and says which one matched", async () => {
    const body = JSON.stringify(fluxEvent({ message: "rotation check" }));
    const response = await send(fluxRequest(body, { secret: "flux-secret-old" }));
    expect(response.status).toBe(202);
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    expect((await storedDeliveries("FLUX", deliveryId))[0]?.headers).toMatchObject({ "x-shiplog-authenticated-by": "FLUX_WEBHOOK_SECRET[0]" });
  });

  it(`refuses any tampering with 401 and stores nothing (${runs} runs): a changed byte, another secret, a changed signature`, async () => {
    const body = Buffer.from(JSON.stringify(fluxEvent({ message: "tamper target" })));
    const signature = signFluxBody("flux-secret-new", body);
    const before = await countDeliveries();
    const tampering = fc.oneof(
      fc.record({ kind: fc.constant("byte" as const), at: fc.nat(body.length - 1), flip: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("secret" as const), secret: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !["flux-secret-old", "flux-secret-new"].includes(s.trim())) }),
      fc.record({ kind: fc.constant("signature" as const), at: fc.integer({ min: 7, max: 70 }), digit: fc.constantFrom(..."0123456789abcdef") }),
    );
    await fc.assert(
      fc.asyncProperty(tampering, async (change) => {
        let request: Request;
        if (change.kind === "byte") {
          const copy = Buffer.from(body);
          copy[change.at] = copy[change.at]! ^ change.flip;
          request = fluxRequest(copy, { signature });
        } else if (change.kind === "secret") {
          request = fluxRequest(body, { secret: change.secret });
        } else {
          if (signature[change.at] === change.digit) return;
          request = fluxRequest(body, { signature: `${signature.slice(0, change.at)}${change.digit}${signature.slice(change.at + 1)}` });
        }
        const response = await send(request);
        expect(response.status).toBe(401);
        expect((await errorOf(response)).message).toMatch(/X-Signature does not match the body under any entry of FLUX_WEBHOOK_SECRET/);
      }),
      { numRuns: runs, seed: 20261207 },
    );
    expect(await countDeliveries()).toBe(before);
    // The untouched request still passes: the property tested the tampering, not a broken signer.
    expect((await send(fluxRequest(body, { signature }))).status).toBe(202);
  });

  it.each([
    ["no X-Signature", { secret: null }, /X-Signature is missing: use a Provider of type generic-hmac/],
    ["another hash function", { signature: `sha512=${"ab".repeat(64)}` }, /X-Signature uses sha512; Shiplog verifies sha256/],
    ["a malformed signature", { signature: "sha256=xyz" }, /X-Signature is not of the form sha256=<64 hexadecimal digits>/],
  ] as const)("refuses %s with 401 naming what to fix, and stores nothing", async (_, options, message) => {
    const before = await countDeliveries();
    const response = await send(fluxRequest(distinctCopy(example), options));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toMatch(message);
    expect(await countDeliveries()).toBe(before);
  });

  it("accepts a stored Flux token as a bearer header (the generic Provider's Secret headers) until it is revoked; an Argo CD token is not a Flux one", async () => {
    const db = getDb();
    const flux = await createWebhookToken(db, "FLUX", "cluster-prod-us");
    const argocd = await createWebhookToken(db, "ARGOCD", "not-for-flux");
    const body = JSON.stringify(fluxEvent({ message: "bearer check" }));
    const response = await send(fluxRequest(body, { secret: null, bearer: flux.token }));
    expect(response.status).toBe(202);
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    expect((await storedDeliveries("FLUX", deliveryId))[0]?.headers).toMatchObject({ "x-shiplog-authenticated-by": "token:cluster-prod-us" });
    expect(JSON.stringify((await storedDeliveries("FLUX", deliveryId))[0]?.headers)).not.toContain(flux.token);
    expect((await send(fluxRequest(distinctCopy(body), { secret: null, bearer: argocd.token }))).status).toBe(401);
    await revokeWebhookToken(db, "FLUX", "cluster-prod-us");
    expect((await send(fluxRequest(distinctCopy(body), { secret: null, bearer: flux.token }))).status).toBe(401);
  });
});

describe("idempotency", () => {
  it("derives the id from the event: a retry is 200 duplicate, so is the event forwarded by a second Alert; the next event is new", async () => {
    const event = fluxEvent({ severity: "info", reason: "ReconciliationSucceeded", message: "idempotency", metadata: { revision: `main@sha1:${"c".repeat(40)}` } });
    const first = await send(fluxRequest(JSON.stringify(event)));
    expect(first.status).toBe(202);
    const { deliveryId } = (await first.json()) as { deliveryId: string };
    const retry = await send(fluxRequest(JSON.stringify(event)));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ status: "duplicate", deliveryId });
    // Another Alert adds its summary: the same event.
    const viaOtherAlert = await send(fluxRequest(JSON.stringify({ ...event, metadata: { ...event.metadata, summary: "prod alerts" } })));
    expect(await viaOtherAlert.json()).toEqual({ status: "duplicate", deliveryId });
    const later = await send(fluxRequest(JSON.stringify({ ...event, timestamp: "2022-10-28T07:31:19Z" })));
    expect(later.status).toBe(202);
    expect(await storedDeliveries("FLUX", deliveryId)).toHaveLength(1);
  });
});

describe("bad input", () => {
  it("answers 400 for a body that is not JSON, or an event missing a field, naming it; stores nothing", async () => {
    const before = await countDeliveries();
    const notJson = await send(fluxRequest('{"involvedObject": '));
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).message).toMatch(/^The body is not JSON: /);
    const { involvedObject: _, ...withoutObject } = fluxEvent();
    const missing = await send(fluxRequest(JSON.stringify(withoutObject)));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toMatch(/involvedObject/);
    const badTime = await send(fluxRequest(JSON.stringify(fluxEvent({ timestamp: "yesterday" }))));
    expect(badTime.status).toBe(400);
    expect((await errorOf(badTime)).message).toMatch(/timestamp/);
    expect(await countDeliveries()).toBe(before);
  });

  it("answers 413 before reading a body larger than an event", async () => {
    expect((await send(fluxRequest("{}", { headers: { "content-length": String(2 * 1024 * 1024) } }))).status).toBe(413);
  });
});

describe("where is commit X, for a GitLab project deployed by Flux", () => {
  it("names the clusters whose Kustomization applied the commit, from the webhooks to the read API", async () => {
    // GitLab's push example: two commits on master of example.com/mike/diaspora.
    const push = gitlabExampleText("push");
    const [older, target] = ["b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"];
    expect((await gitlabPost(gitlabRequest(distinctCopy(push)), undefined)).status).toBe(202);

    const reconciled = (cluster: string, sha: string, reason: string, severity: "info" | "error", timestamp: string) =>
      send(
        fluxRequest(
          JSON.stringify(
            fluxEvent({
              name: "diaspora",
              namespace: "diaspora",
              uid: `uid-${cluster}`,
              severity,
              reason,
              message: `${reason} on ${cluster}`,
              timestamp,
              metadata: { revision: `master@sha1:${sha}`, cluster, env: "production", "shiplog.io/repository": "example.com/mike/diaspora" },
            }),
          ),
        ),
      );
    expect((await reconciled("prod-eu", older, "ReconciliationSucceeded", "info", "2026-11-20T09:00:00Z")).status).toBe(202);
    expect((await reconciled("prod-us", older, "ReconciliationSucceeded", "info", "2026-11-20T09:01:00Z")).status).toBe(202);
    // The fix: applied on prod-eu (the success arrives before Progressing), its health check failed on prod-us.
    expect((await reconciled("prod-eu", target, "ReconciliationSucceeded", "info", "2026-11-20T10:00:40Z")).status).toBe(202);
    expect((await reconciled("prod-eu", target, "Progressing", "info", "2026-11-20T10:00:00Z")).status).toBe(202);
    expect((await reconciled("prod-us", target, "HealthCheckFailed", "error", "2026-11-20T10:05:00Z")).status).toBe(202);

    const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
    expect(summary.failed + summary.quarantined).toBe(0);

    const answer = await callRoute(getCommitRoute, `/api/v1/commits/${target.slice(0, 10)}`, { query: target.slice(0, 10) });
    expect(answer.status).toBe(200);
    const [match] = answer.body.matches;
    expect(match.commit.sha).toBe(target);
    const service = match.services.find((entry: { service: { name: string } }) => entry.service.name === "diaspora");
    expect(service.firstRelease.version).toBe(target.slice(0, 12));
    const where = service.applications
      .map((app: { name: string; cluster: { name: string } | string; contains: boolean; currentRelease: { version: string } | null }) => [
        typeof app.cluster === "string" ? app.cluster : app.cluster?.name,
        app.name,
        app.contains,
        app.currentRelease?.version,
      ])
      .sort();
    expect(where).toEqual([
      ["prod-eu", "kustomization/diaspora", true, target.slice(0, 12)],
      ["prod-us", "kustomization/diaspora", false, older.slice(0, 12)],
    ]);

    const deployments = await getDb().deployment.findMany({ where: { service: { name: "diaspora" } }, select: { source: true, status: true, revision: true }, orderBy: { startedAt: "asc" } });
    expect(deployments.map((row) => [row.source, row.status, row.revision])).toEqual([
      ["FLUX", "SUCCEEDED", older],
      ["FLUX", "SUCCEEDED", older],
      ["FLUX", "SUCCEEDED", target],
      ["FLUX", "FAILED", target],
    ]);
  });
});
