import { describe, expect, it } from "vitest";
import { ConfigError, config, parseConfig, useAuthSecret } from "../../lib/env";

const messageOf = (source: Record<string, string>) => {
  try {
    parseConfig(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("parseConfig", () => {
  it("has a default for every optional setting", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ PORT: 3000, SHIPLOG_DATA_DIR: ".shiplog", EMBEDDED_POSTGRES_PORT: 54329, SHIPLOG_SEED: "demo", ARGOCD_INSTANCES: [], ARGOCD_POLL_INTERVAL_SECONDS: 300 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("reads comma-separated credentials so two can overlap during a rotation", () => {
    expect(parseConfig({ ARGOCD_WEBHOOK_TOKENS: " old , new ,," }).ARGOCD_WEBHOOK_TOKENS).toEqual(["old", "new"]);
  });

  it("reads Argo CD instances as JSON", () => {
    const instances = [{ name: "prod-eu", url: "https://argocd.eu.example.com", token: "t0k3n" }];
    expect(parseConfig({ ARGOCD_INSTANCES: JSON.stringify(instances) }).ARGOCD_INSTANCES).toEqual(instances);
  });

  it("reads classification rules as JSON, each list replacing its default", () => {
    expect(parseConfig({ SHIPLOG_CLASSIFICATION_RULES: '{"serviceLabels":["acme.io/service"]}' }).SHIPLOG_CLASSIFICATION_RULES).toEqual({ serviceLabels: ["acme.io/service"] });
    expect(messageOf({ SHIPLOG_CLASSIFICATION_RULES: '{"serviceLabel":["x"]}' })).toMatch(/SHIPLOG_CLASSIFICATION_RULES: .*serviceLabel/);
    expect(messageOf({ SHIPLOG_CLASSIFICATION_RULES: '{"teamLabels":[]}' })).toMatch(/SHIPLOG_CLASSIFICATION_RULES\.teamLabels/);
  });

  it("reads SHIPLOG_TRUSTED_PROXIES as addresses and CIDR ranges, and refuses anything else", () => {
    expect(parseConfig({}).SHIPLOG_TRUSTED_PROXIES).toEqual([]);
    expect(parseConfig({ SHIPLOG_TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.7,fd00::/8,::1" }).SHIPLOG_TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "192.0.2.7", "fd00::/8", "::1"]);
    for (const bad of ["*", "10.0.0.0/33", "proxy.internal", "10.0.0", "0.0.0.0/0 1.2.3.4"]) {
      expect(messageOf({ SHIPLOG_TRUSTED_PROXIES: bad }), bad).toMatch(/SHIPLOG_TRUSTED_PROXIES: must be IP addresses or CIDR ranges/);
    }
  });

  it("reads the rate limits as requests per window, 0 turning one off, and refuses anything else naming the setting", () => {
    expect(parseConfig({})).toMatchObject({
      SHIPLOG_RATE_LIMIT_WINDOW_SECONDS: 60,
      SHIPLOG_API_RATE_LIMIT_PER_TOKEN: 600,
      SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: 1200,
      SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS: 20,
      SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS: 100,
    });
    expect(parseConfig({ SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: "0", SHIPLOG_RATE_LIMIT_WINDOW_SECONDS: "10" })).toMatchObject({ SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: 0, SHIPLOG_RATE_LIMIT_WINDOW_SECONDS: 10 });
    expect(messageOf({ SHIPLOG_API_RATE_LIMIT_PER_TOKEN: "-1" })).toContain("SHIPLOG_API_RATE_LIMIT_PER_TOKEN");
    expect(messageOf({ SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: "lots" })).toContain('SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: must be a whole number of requests (0 turns the limit off) (got "lots")');
    expect(messageOf({ SHIPLOG_RATE_LIMIT_WINDOW_SECONDS: "0" })).toContain("SHIPLOG_RATE_LIMIT_WINDOW_SECONDS");
  });

  it("takes only http(s) URLs where a URL becomes a link or an address to call (issue 14, finding 8)", () => {
    for (const url of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://argocd.example.com"]) {
      expect(messageOf({ ARGOCD_INSTANCES: JSON.stringify([{ name: "prod", url, token: "t" }]) })).toMatch(/ARGOCD_INSTANCES.*url: must be an http:\/\/ or https:\/\/ URL/);
      for (const setting of ["GITHUB_API_URL", "GITHUB_OAUTH_URL", "OIDC_ISSUER_URL", "SHIPLOG_PUBLIC_URL"]) {
        expect(messageOf({ [setting]: url })).toMatch(new RegExp(`${setting}: must be an http:// or https:// URL`));
      }
    }
    expect(parseConfig({ GITHUB_API_URL: "http://ghe.internal/api/v3" }).GITHUB_API_URL).toBe("http://ghe.internal/api/v3");
  });

  it("names the setting and the bad value", () => {
    expect(messageOf({ PORT: "eighty" })).toMatch(/PORT: .*"eighty"/);
    expect(messageOf({ SHIPLOG_SEED: "everything" })).toMatch(/SHIPLOG_SEED/);
  });

  it("never repeats a secret's value", () => {
    const message = messageOf({ DATABASE_URL: "mysql://shiplog:hunter2@db/shiplog" });
    expect(message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(message).not.toContain("hunter2");
    const instances = messageOf({ ARGOCD_INSTANCES: '[{"name":"prod","url":"not a url","token":"s3cr3t-token"}]' });
    expect(instances).toMatch(/ARGOCD_INSTANCES\.0\.url/);
    expect(instances).not.toContain("s3cr3t-token");
    expect(messageOf({ ARGOCD_INSTANCES: "{s3cr3t" })).not.toContain("s3cr3t");
  });
});

describe("useAuthSecret", () => {
  it("reaches a configuration this process already read (npm start generates the secret after reading it)", () => {
    const before = process.env.SHIPLOG_AUTH_SECRET;
    try {
      delete process.env.SHIPLOG_AUTH_SECRET;
      useAuthSecret("x".repeat(40));
      expect(config().SHIPLOG_AUTH_SECRET).toBe("x".repeat(40));
      useAuthSecret("y".repeat(40));
      expect(config().SHIPLOG_AUTH_SECRET).toBe("y".repeat(40));
    } finally {
      if (before === undefined) delete process.env.SHIPLOG_AUTH_SECRET;
      else process.env.SHIPLOG_AUTH_SECRET = before;
    }
  });
});
