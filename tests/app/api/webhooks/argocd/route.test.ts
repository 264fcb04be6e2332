// POST /api/webhooks/argocd through the exported route handler with real Request objects and a
// real database, carrying the real Application object of the fixtures.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../../../../../lib/db/client";
import { createWebhookToken } from "../../../../../lib/webhook-tokens/create-webhook-token";
import { revokeWebhookToken } from "../../../../../lib/webhook-tokens/revoke-webhook-token";
import { argocdApplication, argocdBody, bearerRequest, countDeliveries, storedDeliveries, warmDatabase } from "../../../../support/webhooks";

vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token-old,argocd-token-new");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "");
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "");
afterAll(() => void vi.unstubAllEnvs());

const { POST } = await import("../../../../../app/api/webhooks/argocd/route");
const call = (request: Request) => POST(request, undefined);
const send = (body: string, token: string | null = "argocd-token-new", headers?: Record<string, string>) =>
  call(bearerRequest("argocd", body, token, headers));

type Application = Record<string, any>;
let app: Application;
beforeAll(async () => {
  app = await argocdApplication();
  await warmDatabase();
});
/** A deep copy of the fixture, changed by `edit`. */
const variant = (edit: (copy: Application) => void = () => undefined): Application => {
  const copy = structuredClone(app);
  edit(copy);
  return copy;
};
const uniqueApp = (uid: string) => variant((copy) => void (copy.metadata.uid = uid));
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe("the real Application fixture", () => {
  it("is accepted whole and stored once with its event, ordering key and headers (no Authorization)", async () => {
    const body = argocdBody(app, { event: "on-deployed", instance: "prod-eu" });
    const response = await send(body);
    expect(response.status).toBe(202);
    const { status, deliveryId } = (await response.json()) as { status: string; deliveryId: string };
    expect(status).toBe("accepted");
    expect(deliveryId).toMatch(/^[0-9a-f]{64}$/);

    const [row, ...rest] = await storedDeliveries("ARGOCD", deliveryId);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ event: "on-deployed", orderingKey: "prod-eu/argo-cd/velero-test", body, status: "PENDING" });
    expect(row?.headers).toEqual({
      "content-type": "application/json",
      "user-agent": "argocd-notifications-controller",
      "x-shiplog-authenticated-by": "ARGOCD_WEBHOOK_TOKENS[1]",
    });
    expect(JSON.stringify(row?.headers)).not.toContain("argocd-token");
  });

  it("is the same delivery when sent again, or trimmed of status.resources (200 duplicate)", async () => {
    const first = await send(argocdBody(uniqueApp("trim-uid")));
    const { deliveryId } = (await first.json()) as { deliveryId: string };
    const again = await send(argocdBody(uniqueApp("trim-uid")));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", deliveryId });

    const trimmed = variant((copy) => {
      copy.metadata.uid = "trim-uid";
      delete copy.status.resources;
      copy.metadata.resourceVersion = "999";
    });
    const duplicate = await send(argocdBody(trimmed));
    expect(duplicate.status).toBe(200);
    expect(await storedDeliveries("ARGOCD", deliveryId)).toHaveLength(1);
  });

  it("keeps a degraded → healthy pair of the same operation as two deliveries", async () => {
    const degraded = variant((copy) => {
      copy.metadata.uid = "pair-uid";
      copy.status.health = { status: "Degraded" };
    });
    const healthy = variant((copy) => {
      copy.metadata.uid = "pair-uid";
      copy.status.health = { status: "Healthy" };
      copy.status.reconciledAt = "2024-03-05T07:36:04Z";
    });
    expect((await send(argocdBody(degraded, { event: "on-health-degraded" }))).status).toBe(202);
    expect((await send(argocdBody(healthy, { event: "on-deployed" }))).status).toBe(202);
    const rows = await getDb().webhookDelivery.findMany({ where: { source: "ARGOCD", body: { contains: "pair-uid" } }, orderBy: { id: "asc" } });
    expect(rows.map((row) => row.event)).toEqual(["on-health-degraded", "on-deployed"]);
  });
});

describe("bearer tokens", () => {
  it("accepts the old and the new token of ARGOCD_WEBHOOK_TOKENS during rotation", async () => {
    for (const [index, token] of ["argocd-token-old", "argocd-token-new"].entries()) {
      const response = await send(argocdBody(uniqueApp(`rotation-${index}`)), token);
      expect(response.status).toBe(202);
      const { deliveryId } = (await response.json()) as { deliveryId: string };
      expect((await storedDeliveries("ARGOCD", deliveryId))[0]?.headers).toMatchObject({
        "x-shiplog-authenticated-by": `ARGOCD_WEBHOOK_TOKENS[${index}]`,
      });
    }
  });

  it("accepts a database token until it is revoked, then refuses it and stores nothing", async () => {
    const { token } = await createWebhookToken(getDb(), "ARGOCD", "prod-eu");
    expect(token).toMatch(/^shiplog_argocd_[\w-]{43}$/);
    const stored = await getDb().webhookToken.findUniqueOrThrow({ where: { source_name: { source: "ARGOCD", name: "prod-eu" } } });
    expect(stored.tokenHash).not.toContain(token);

    const accepted = await send(argocdBody(uniqueApp("db-token-1")), token);
    expect(accepted.status).toBe(202);
    const { deliveryId } = (await accepted.json()) as { deliveryId: string };
    expect((await storedDeliveries("ARGOCD", deliveryId))[0]?.headers).toMatchObject({ "x-shiplog-authenticated-by": "token:prod-eu" });

    expect(await revokeWebhookToken(getDb(), "ARGOCD", "prod-eu")).toBe(true);
    expect(await revokeWebhookToken(getDb(), "ARGOCD", "prod-eu")).toBe(false);
    const before = await countDeliveries();
    const refused = await send(argocdBody(uniqueApp("db-token-2")), token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await countDeliveries()).toBe(before);
  });

  it("does not accept a token of another source", async () => {
    const { token } = await createWebhookToken(getDb(), "BUILD", "ci-for-argocd-test");
    expect((await send(argocdBody(uniqueApp("other-source")), token)).status).toBe(401);
  });

  it("refuses a missing, malformed or wrong token with 401 and stores nothing", async () => {
    const before = await countDeliveries();
    const body = argocdBody(uniqueApp("refused"));
    for (const authorization of [null, "argocd-token-new", "Basic YTpi", "Bearer ", "Bearer argocd-token-ne", "Bearer argocd-token-new2"]) {
      const headers: Record<string, string> = authorization === null ? {} : { authorization };
      const response = await call(bearerRequest("argocd", body, null, headers));
      expect(response.status, String(authorization)).toBe(401);
      expect((await errorOf(response)).code).toBe("unauthorized");
    }
    expect(await countDeliveries()).toBe(before);
  });
});

describe("requests it cannot use", () => {
  it("answers 400 with the reason for a body that is not a notification", async () => {
    const before = await countDeliveries();
    const cases: Array<[string, RegExp]> = [
      ["not json", /not JSON/],
      [JSON.stringify({ event: "on-deployed", app }), /instance/],
      [JSON.stringify({ instance: "prod-eu", app }), /event/],
      [JSON.stringify({ event: "on-deployed", instance: "prod-eu" }), /app/],
      [argocdBody(variant((copy) => delete copy.metadata.name)), /app\.metadata\.name/],
      // PostgreSQL text cannot hold NUL: refused at the door, anywhere in the body.
      [argocdBody(app, { instance: "prod\u0000eu" }), /NUL character/],
      [argocdBody(variant((copy) => (copy.metadata.labels = { team: "pay\u0000ments" }))), /NUL character/],
    ];
    for (const [body, reason] of cases) {
      const response = await send(body);
      expect(response.status, body.slice(0, 60)).toBe(400);
      expect((await errorOf(response)).message).toMatch(reason);
    }
    expect(await countDeliveries()).toBe(before);
  });

  it("answers 413 above 2 MiB", async () => {
    const big = argocdBody(variant((copy) => void (copy.metadata.annotations.padding = "x".repeat(2 * 1024 * 1024))));
    const response = await send(big);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });
});
