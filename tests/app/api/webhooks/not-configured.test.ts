// An endpoint with no credential configured at all (no setting, no database token) refuses
// every request with 503 not_configured, naming what to configure, and stores nothing. The
// first database token configures it: from then on a request without it is an ordinary 401.
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { getDb } from "../../../../lib/db/client";
import { createWebhookToken } from "../../../../lib/webhook-tokens/create-webhook-token";
import { revokeWebhookToken } from "../../../../lib/webhook-tokens/revoke-webhook-token";
import { captureLogs } from "../../../support/capture-logs";
import { fluxRequest } from "../../../support/flux-examples";
import { gitlabRequest } from "../../../support/gitlab-examples";
import { argocdApplication, argocdBody, bearerRequest, countDeliveries, githubRequest, warmDatabase } from "../../../support/webhooks";

vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "");
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "");
vi.stubEnv("GITLAB_WEBHOOK_SECRET", "");
vi.stubEnv("FLUX_WEBHOOK_SECRET", "");
afterAll(() => void vi.unstubAllEnvs());

const argocd = await import("../../../../app/api/webhooks/argocd/route");
const github = await import("../../../../app/api/webhooks/github/route");
const build = await import("../../../../app/api/webhooks/build/route");
const gitlab = await import("../../../../app/api/webhooks/gitlab/route");
const flux = await import("../../../../app/api/webhooks/flux/route");

let payload: string;
beforeAll(async () => {
  await warmDatabase();
  payload = argocdBody(await argocdApplication());
});

const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe("with no credential configured", () => {
  it.each([
    ["argocd", () => argocd.POST(bearerRequest("argocd", payload, "anything"), undefined), /ARGOCD_WEBHOOK_TOKENS/],
    ["argocd without a token", () => argocd.POST(bearerRequest("argocd", payload, null), undefined), /ARGOCD_WEBHOOK_TOKENS/],
    ["build", () => build.POST(bearerRequest("build", "{}", "anything"), undefined), /BUILD_WEBHOOK_TOKENS/],
    ["github", () => github.POST(githubRequest("{}", { secret: "anything" }), undefined), /GITHUB_WEBHOOK_SECRET/],
    ["gitlab", () => gitlab.POST(gitlabRequest("{}", { token: "anything" }), undefined), /GITLAB_WEBHOOK_SECRET/],
    ["flux, signed", () => flux.POST(fluxRequest("{}", { secret: "anything" }), undefined), /FLUX_WEBHOOK_SECRET/],
    ["flux without a credential", () => flux.POST(fluxRequest("{}", { secret: null }), undefined), /FLUX_WEBHOOK_SECRET/],
    ["flux with a bearer token", () => flux.POST(fluxRequest("{}", { secret: null, bearer: "anything" }), undefined), /FLUX_WEBHOOK_SECRET/],
  ] as const)("%s answers 503 naming the setting, and stores nothing", async (_, send, setting) => {
    onTestFinished(captureLogs().restore);
    const response = await send();
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe("not_configured");
    expect(error.message).toMatch(setting);
    expect(await countDeliveries()).toBe(0);
  });
});

describe("configured by a database token alone", () => {
  it("accepts that token, refuses others with 401, and is unconfigured again once it is revoked", async () => {
    const { token } = await createWebhookToken(getDb(), "ARGOCD", "only-token");
    expect((await argocd.POST(bearerRequest("argocd", payload, token), undefined)).status).toBe(202);
    for (const other of [null, "wrong"]) {
      const response = await argocd.POST(bearerRequest("argocd", payload, other), undefined);
      expect(response.status).toBe(401);
    }
    // A BUILD token does not configure the Argo CD endpoint, nor the reverse.
    const buildResponse = await build.POST(bearerRequest("build", "{}", token), undefined);
    expect(buildResponse.status).toBe(503);

    await revokeWebhookToken(getDb(), "ARGOCD", "only-token");
    onTestFinished(captureLogs().restore);
    expect((await argocd.POST(bearerRequest("argocd", payload, token), undefined)).status).toBe(503);
    expect(await countDeliveries()).toBe(1);
  });
});
