import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { hashWebhookToken } from "../../../lib/webhook-tokens/hash-webhook-token";
import { describeWebhookEndpoints } from "../../../lib/ops/describe-webhook-endpoints";

const settings = { PORT: 3000, DATABASE_URL: undefined, GITHUB_WEBHOOK_SECRET: [], ARGOCD_WEBHOOK_TOKENS: [], BUILD_WEBHOOK_TOKENS: [], DEPLOYER_WEBHOOK_TOKENS: [], GITLAB_WEBHOOK_SECRET: [], FLUX_WEBHOOK_SECRET: [] };

describe("describeWebhookEndpoints", () => {
  beforeEach(async () => {
    await getDb().webhookToken.deleteMany();
  });

  it("gives the embedded demo working tokens once, and names them afterwards", async () => {
    const first = (await describeWebhookEndpoints(getDb(), settings, { embedded: true })).join("\n");
    const tokens = [...first.matchAll(/Bearer (shiplog_\w+_[\w-]+)/g)].map((match) => match[1]!);
    expect(tokens).toHaveLength(3);
    const stored = await getDb().webhookToken.findMany({ orderBy: { source: "asc" } });
    expect(stored.map((token) => [token.source, token.name])).toEqual([["ARGOCD", "demo"], ["BUILD", "demo"], ["DEPLOYER", "demo"]]);
    expect(stored.map((token) => token.tokenHash).sort()).toEqual(tokens.map(hashWebhookToken).sort());
    expect(first).toContain("http://localhost:3000/api/webhooks/argocd");
    expect(first).toMatch(/github .*set GITHUB_WEBHOOK_SECRET/);

    const second = (await describeWebhookEndpoints(getDb(), settings, { embedded: true })).join("\n");
    expect(second).not.toMatch(/shiplog_\w+_/);
    expect(second).toContain('stored tokens "demo"');
    expect(await getDb().webhookToken.count()).toBe(3);
  });

  it("creates nothing for an external database, and says which setting is missing", async () => {
    const lines = (await describeWebhookEndpoints(getDb(), settings, { embedded: false })).join("\n");
    expect(lines).toMatch(/argocd .*set ARGOCD_WEBHOOK_TOKENS/);
    expect(lines).toMatch(/build .*set BUILD_WEBHOOK_TOKENS/);
    expect(lines).toMatch(/deployments .*set DEPLOYER_WEBHOOK_TOKENS/);
    expect(lines).toMatch(/gitlab .*set GITLAB_WEBHOOK_SECRET/);
    expect(lines).toMatch(/flux .*set FLUX_WEBHOOK_SECRET/);
    expect(await getDb().webhookToken.count()).toBe(0);
  });

  it("counts configured credentials without showing them", async () => {
    const lines = (
      await describeWebhookEndpoints(getDb(), { ...settings, PORT: 8080, ARGOCD_WEBHOOK_TOKENS: ["s3cret-a", "s3cret-b"], GITHUB_WEBHOOK_SECRET: ["gh-s3cret"], GITLAB_WEBHOOK_SECRET: ["gl-s3cret"], FLUX_WEBHOOK_SECRET: ["flux-s3cret"] }, { embedded: true })
    ).join("\n");
    expect(lines).toContain("2 token(s) in ARGOCD_WEBHOOK_TOKENS");
    expect(lines).toContain("http://localhost:8080/api/webhooks/github  signed with GITHUB_WEBHOOK_SECRET");
    expect(lines).toContain("http://localhost:8080/api/webhooks/gitlab  X-Gitlab-Token: one of GITLAB_WEBHOOK_SECRET");
    expect(lines).toContain("http://localhost:8080/api/webhooks/flux  X-Signature (generic-hmac, keyed with one of FLUX_WEBHOOK_SECRET)");
    expect(lines).not.toMatch(/s3cret/);
  });
});
