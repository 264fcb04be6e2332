// The webhook receivers and probes over real HTTP, against `next start` with the credentials
// tests/support/shiplog-server.ts configured: what Argo CD and GitHub actually talk to, with
// Next's request handling, body streaming and headers in the path. The route handlers' full
// behaviour is specified in tests/app/api/webhooks; this proves the built server wires them up.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import { fluxExampleText } from "../support/flux-examples";
import { githubExamples } from "../support/github-examples";
import { argocdApplication, argocdBody, storedDeliveries } from "../support/webhooks";

const baseUrl = inject("shiplogUrl");
const { argocdToken, githubSecret, fluxSecret } = inject("webhookCredentials");

function post(endpoint: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(new URL(endpoint, baseUrl), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

type Accepted = { status: string; deliveryId: string };

describe("POST /api/webhooks/argocd", () => {
  const notify = (body: string, token: string) =>
    post("/api/webhooks/argocd", body, { authorization: `Bearer ${token}`, "user-agent": "argocd-notifications-controller" });

  it("stores the real Application notification once: 202, then 200 duplicate", async () => {
    // application-real.yaml, as Argo CD's `{{toJson .app}}` template renders it.
    const body = argocdBody(await argocdApplication(), { event: "on-deployed", instance: "e2e-http" });

    const first = await notify(body, argocdToken);
    expect(first.status).toBe(202);
    expect(first.headers.get("x-request-id")).toBeTruthy();
    const accepted = (await first.json()) as Accepted;
    expect(accepted).toEqual({ status: "accepted", deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await storedDeliveries("ARGOCD", accepted.deliveryId)).toMatchObject([{ body, event: "on-deployed" }]);

    const again = await notify(body, argocdToken);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", deliveryId: accepted.deliveryId });
    expect(await storedDeliveries("ARGOCD", accepted.deliveryId)).toHaveLength(1);
  });

  it("refuses a wrong bearer token with 401 and stores nothing", async () => {
    const app = await argocdApplication();
    (app.metadata as { uid: string }).uid = randomUUID();
    const body = argocdBody(app, { instance: "e2e-http" });

    const response = await notify(body, `${argocdToken}-wrong`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(await getDb().webhookDelivery.count({ where: { body } })).toBe(0);
  });
});

describe("POST /api/webhooks/github", () => {
  it("accepts a push signed with the webhook secret: 202", async () => {
    const text = githubExamples().find((example) => example.file === "push/payload.json")!.text;
    const delivery = randomUUID();
    const response = await post("/api/webhooks/github", text, {
      "user-agent": "GitHub-Hookshot/e2e",
      "x-github-event": "push",
      "x-github-delivery": delivery,
      "x-hub-signature-256": signGithubPayload(githubSecret, text),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "accepted", deliveryId: delivery });
    expect(await storedDeliveries("GITHUB", delivery)).toMatchObject([{ body: text, event: "push" }]);
  });

  it("stores a signed body once when it is replayed under 5 new delivery ids: 200 duplicate naming the stored one", async () => {
    // GitHub's release example, signed once, as an attacker would have captured it. The e2e
    // database is shared by every http test file: this body is sent by none of the others.
    const text = githubExamples().find((example) => example.file === "release/published.with-discussion-url.payload.json")!.text;
    const headers = (delivery: string) => ({
      "user-agent": "GitHub-Hookshot/e2e",
      "x-github-event": "release",
      "x-github-delivery": delivery,
      "x-hub-signature-256": signGithubPayload(githubSecret, text),
    });
    const first = randomUUID();
    expect((await post("/api/webhooks/github", text, headers(first))).status).toBe(202);
    for (let replay = 0; replay < 5; replay += 1) {
      const delivery = randomUUID();
      const response = await post("/api/webhooks/github", text, headers(delivery));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "duplicate", deliveryId: delivery, duplicateOf: first });
    }
    expect((await getDb().webhookDelivery.findMany({ where: { source: "GITHUB", body: text } })).map((row) => row.deliveryId)).toEqual([first]);
  });
});

describe("POST /api/webhooks/flux", () => {
  const send = (body: string, signature: string) =>
    post("/api/webhooks/flux", body, { "x-signature": signature, "gotk-component": "kustomize-controller", "user-agent": "Go-http-client/1.1" });

  it("stores Flux's published event signed as generic-hmac signs it once: 202, then 200 duplicate; a changed byte is 401", async () => {
    const body = fluxExampleText("kustomization-validation-failed");
    const first = await send(body, signGithubPayload(fluxSecret, body));
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as Accepted;
    expect(accepted).toEqual({ status: "accepted", deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await storedDeliveries("FLUX", accepted.deliveryId)).toMatchObject([{ body, event: "ValidationFailed", orderingKey: "flux/Kustomization/apps/webapp" }]);

    const again = await send(body, signGithubPayload(fluxSecret, body));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", deliveryId: accepted.deliveryId });

    const tampered = body.replace("Ingress", "Ingres5");
    const refused = await send(tampered, signGithubPayload(fluxSecret, body));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "unauthorized", message: expect.stringMatching(/FLUX_WEBHOOK_SECRET/) } });
    expect(await getDb().webhookDelivery.count({ where: { body: tampered } })).toBe(0);
  });
});

describe("probes", () => {
  it("GET /api/health answers 200", async () => {
    const response = await fetch(new URL("/api/health", baseUrl));
    expect(response.status).toBe(200);
  });

  it("GET /api/ready answers 200: database reachable, no migration pending", async () => {
    const response = await fetch(new URL("/api/ready", baseUrl));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready" });
  });
});
