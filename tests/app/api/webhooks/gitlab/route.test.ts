// POST /api/webhooks/gitlab through the exported route handler with real Request objects and a
// real database, carrying GitLab's published payload examples (tests/fixtures/gitlab).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../../../lib/db/client";
import { createWebhookToken } from "../../../../../lib/webhook-tokens/create-webhook-token";
import { revokeWebhookToken } from "../../../../../lib/webhook-tokens/revoke-webhook-token";
import { gitlabExampleText, gitlabRequest } from "../../../../support/gitlab-examples";
import { countDeliveries, distinctCopy, storedDeliveries, warmDatabase } from "../../../../support/webhooks";

// Two secrets while rotating: the old one (index 0) still works until it is removed.
vi.stubEnv("GITLAB_WEBHOOK_SECRET", "gitlab-secret-old, gitlab-secret-new");
afterAll(() => void vi.unstubAllEnvs());

const { POST } = await import("../../../../../app/api/webhooks/gitlab/route");
const send = (request: Request) => POST(request, undefined);
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

let push: string;
beforeAll(async () => {
  push = gitlabExampleText("push");
  await warmDatabase();
});

describe("the token", () => {
  it("lets the published push example in under the current secret: 202, stored with its event, project key and headers (no token)", async () => {
    const uuid = randomUUID();
    const response = await send(gitlabRequest(push, { uuid }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "accepted", deliveryId: uuid });
    const [row, ...rest] = await storedDeliveries("GITLAB", uuid);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ event: "Push Hook", orderingKey: "example.com/mike/diaspora", body: push, status: "PENDING" });
    expect(row?.headers).toEqual({
      "content-type": "application/json",
      "user-agent": "GitLab/18.6.0",
      "x-gitlab-event": "Push Hook",
      "x-gitlab-event-uuid": uuid,
      "x-gitlab-instance": "https://gitlab.example.com",
      "x-shiplog-authenticated-by": "GITLAB_WEBHOOK_SECRET[1]",
    });
    expect(JSON.stringify(row?.headers)).not.toContain("gitlab-secret");
  });

  it("accepts the previous secret during a rotation, and says which one matched", async () => {
    const uuid = randomUUID();
    expect((await send(gitlabRequest(distinctCopy(push), { uuid, token: "gitlab-secret-old" }))).status).toBe(202);
    expect((await storedDeliveries("GITLAB", uuid))[0]?.headers).toMatchObject({ "x-shiplog-authenticated-by": "GITLAB_WEBHOOK_SECRET[0]" });
  });

  it.each([
    ["a wrong token", "gitlab-secret-newer"],
    ["a prefix of the token", "gitlab-secret-ne"],
    ["no token", null],
  ] as const)("refuses %s with 401 naming the setting, and stores nothing", async (_, token) => {
    const before = await countDeliveries();
    const response = await send(gitlabRequest(distinctCopy(push), { token }));
    expect(response.status).toBe(401);
    const error = await errorOf(response);
    expect(error.code).toBe("unauthorized");
    expect(error.message).toMatch(/X-Gitlab-Token .*GITLAB_WEBHOOK_SECRET/);
    expect(await countDeliveries()).toBe(before);
  });

  it("accepts a stored GitLab token until it is revoked; an Argo CD token is not a GitLab one", async () => {
    const db = getDb();
    const gitlab = await createWebhookToken(db, "GITLAB", "group-acme");
    const argocd = await createWebhookToken(db, "ARGOCD", "not-for-gitlab");
    const uuid = randomUUID();
    expect((await send(gitlabRequest(distinctCopy(push), { uuid, token: gitlab.token }))).status).toBe(202);
    expect((await storedDeliveries("GITLAB", uuid))[0]?.headers).toMatchObject({ "x-shiplog-authenticated-by": "token:group-acme" });
    expect((await send(gitlabRequest(distinctCopy(push), { token: argocd.token }))).status).toBe(401);

    await revokeWebhookToken(db, "GITLAB", "group-acme");
    expect((await send(gitlabRequest(distinctCopy(push), { token: gitlab.token }))).status).toBe(401);
  });
});

describe("idempotency", () => {
  it("stores an event once: the same X-Gitlab-Event-UUID again is 200 duplicate", async () => {
    const uuid = randomUUID();
    const body = gitlabExampleText("merge_request");
    expect((await send(gitlabRequest(body, { uuid, event: "Merge Request Hook" }))).status).toBe(202);
    const again = await send(gitlabRequest(body, { uuid, event: "Merge Request Hook" }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", deliveryId: uuid });
    expect(await storedDeliveries("GITLAB", uuid)).toHaveLength(1);
  });

  it("keys on Idempotency-Key when GitLab sends it (the same on every retry), whatever the event UUID", async () => {
    const key = randomUUID();
    const body = distinctCopy(push);
    const first = await send(gitlabRequest(body, { headers: { "idempotency-key": key } }));
    expect(await first.json()).toEqual({ status: "accepted", deliveryId: key });
    const retry = await send(gitlabRequest(body, { headers: { "idempotency-key": key } }));
    expect(retry.status).toBe(200);
    expect(await storedDeliveries("GITLAB", key)).toHaveLength(1);
  });
});

describe("bad input", () => {
  it("answers 400 with the parser's reason for a body that is not JSON, and stores nothing", async () => {
    const before = await countDeliveries();
    const response = await send(gitlabRequest('{"object_kind": "push",'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/^The body is not JSON: /);
    expect(await countDeliveries()).toBe(before);
  });

  it.each([
    ["no X-Gitlab-Event", { headers: { "x-gitlab-event": "" } }, /X-Gitlab-Event header is missing/],
    ["neither Idempotency-Key nor X-Gitlab-Event-UUID", { uuid: null }, /Neither Idempotency-Key nor X-Gitlab-Event-UUID/],
    ["a malformed event UUID", { uuid: "not a token" }, /X-Gitlab-Event-UUID header must be/],
  ] as const)("answers 400 for %s", async (_, options, message) => {
    const response = await send(gitlabRequest(distinctCopy(push), options));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(message);
  });

  it("answers 400 for JSON that is not an object", async () => {
    const response = await send(gitlabRequest("[1,2]"));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/must be a JSON object/);
  });

  it("answers 413 before reading a body GitLab would never send", async () => {
    const request = gitlabRequest("{}", { headers: { "content-length": String(26 * 1024 * 1024) } });
    expect((await send(request)).status).toBe(413);
  });
});
