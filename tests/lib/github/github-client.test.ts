import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGithubClient, describeGithubError, githubClientFromConfig, isTransientGithubError, type GithubClientOptions } from "@/lib/github/github-client";
import { parseConfig } from "@/lib/env";
import { fakeCommit, startFakeGithub, type FakeGithub } from "../../support/fake-github";

let github: FakeGithub;
const lines: string[] = [];
const base = "a".repeat(40);
const head = "b".repeat(40);

beforeAll(async () => {
  github = await startFakeGithub();
  const at = new Date("2026-03-10T09:00:00Z");
  github.comparisons.set(`acme/api ${base}...${head}`, {
    status: "ahead",
    ahead_by: 1,
    behind_by: 0,
    base_commit: fakeCommit(base, null, "Initial commit", at),
    commits: [fakeCommit(head, base, "Add health check", at)],
  });
});
afterAll(() => github.close());
beforeEach(() => {
  github.requests.length = 0;
  github.rateLimit = undefined;
  github.delayMs = 0;
});

function client(options: Partial<GithubClientOptions> = {}) {
  return createGithubClient({ baseUrl: github.url, auth: { token: github.token }, log: (line) => lines.push(line), ...options });
}
const compare = (octokit = client()) => octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "api", basehead: `${base}...${head}` });

describe("createGithubClient", () => {
  it("authenticates with the token and pins the REST API version", async () => {
    const response = await compare();
    expect(response.data.commits.map((commit) => commit.sha)).toEqual([head]);
    expect(github.requests[0]?.headers.authorization).toBe(`token ${github.token}`);
    expect(github.requests[0]?.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(github.requests[0]?.headers["user-agent"]).toMatch(/^shiplog/);
  });

  it("waits for a primary rate limit to reset (403, x-ratelimit-remaining: 0) and retries", async () => {
    github.rateLimit = { kind: "primary-403", times: 1, resetInSeconds: 0 };
    const started = Date.now();
    await compare();
    expect(github.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // x-ratelimit-reset + 1 s, as GitHub asks
    expect(lines.at(-1)).toMatch(/rate limit on GET \/repos\/acme\/api\/compare\/.*: waiting 1 s \(retry 1 of 2\)/);
  });

  it("treats 429 with x-ratelimit-remaining: 0 the same way", async () => {
    github.rateLimit = { kind: "primary-429", times: 1, resetInSeconds: 0 };
    await compare();
    expect(github.requests).toHaveLength(2);
  });

  it("waits retry-after on a secondary rate limit", async () => {
    github.rateLimit = { kind: "secondary", times: 1, resetInSeconds: 1 };
    await compare();
    expect(github.requests).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/secondary rate limit on GET .*: waiting 1 s/);
  });

  it("gives up after a bounded number of waits, with an error the jobs recognise as 'try later'", async () => {
    github.rateLimit = { kind: "primary-403", times: 10, resetInSeconds: 0 };
    const error = await compare(client({ rateLimitRetries: 2 })).catch((caught: unknown) => caught);
    expect(github.requests).toHaveLength(3);
    expect(isTransientGithubError(error)).toBe(true);
    expect(describeGithubError(error)).toMatch(/^GET \/repos\/acme\/api\/compare\/.* 403 API rate limit exceeded/);
    expect(lines.at(-1)).toMatch(/giving up .*tries again at its next run/);
  });

  it("gives up at once when the limit resets later than it is willing to wait", async () => {
    github.rateLimit = { kind: "primary-403", times: 1, resetInSeconds: 3600 };
    const started = Date.now();
    const error = await compare().catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(github.requests).toHaveLength(1);
    expect(isTransientGithubError(error)).toBe(true);
  });

  it("puts a time limit on every attempt and retries a bounded number of times", async () => {
    github.delayMs = 5_000;
    const started = Date.now();
    const error = await compare(client({ timeoutMs: 200, retries: 1 })).catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;
    expect(github.requests).toHaveLength(2); // the attempt and one retry, 1 s later
    expect(elapsed).toBeGreaterThanOrEqual(1_300);
    expect(elapsed).toBeLessThan(3_000);
    expect(isTransientGithubError(error)).toBe(true);
    expect(describeGithubError(error)).toMatch(/no answer within the time limit/);
  });

  it("does not retry what will not change (404) and reports it as final", async () => {
    const error = await client()
      .rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "missing", basehead: `${base}...${head}` })
      .catch((caught: unknown) => caught);
    expect(github.requests).toHaveLength(1);
    expect(isTransientGithubError(error)).toBe(false);
    expect(describeGithubError(error)).toMatch(/404 Not Found/);
  });

  it("never writes the token into a log line or an error description", async () => {
    const wrong = createGithubClient({ baseUrl: github.url, auth: { token: "ghp_wrongSecret42" }, log: (line) => lines.push(line) });
    const error = await compare(wrong).catch((caught: unknown) => caught);
    expect(describeGithubError(error)).toMatch(/401 Bad credentials/);
    expect(describeGithubError(error)).not.toContain("ghp_wrongSecret42");
    for (const line of lines) {
      expect(line).not.toContain(github.token);
      expect(line).not.toContain("ghp_wrongSecret42");
    }
  });
});

describe("GitHub App authentication", () => {
  it("signs a JWT with the App's key, exchanges it for an installation token, and uses that token", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    github.appPublicKey = publicKey.export({ type: "spki", format: "pem" }).toString();
    // GitHub hands out PKCS#1 keys, often pasted into one line with \n escapes.
    const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const settings = parseConfig({
      GITHUB_API_URL: github.url,
      GITHUB_APP_ID: "12345",
      GITHUB_APP_PRIVATE_KEY: pem.trim().replaceAll("\n", "\\n"),
      GITHUB_APP_INSTALLATION_ID: "42",
    });
    const octokit = githubClientFromConfig(settings, (line) => lines.push(line))!;
    await compare(octokit);
    expect(github.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`)).toEqual([
      "POST /app/installations/42/access_tokens",
      `GET /repos/acme/api/compare/${base}...${head}`,
    ]);
    expect(github.requests[1]?.headers.authorization).toBe(`token ${github.token}`);
    // The App's own webhook is read with the JWT, not the installation token.
    await octokit.request("GET /app/hook/deliveries");
    expect(github.requests.at(-1)?.headers.authorization).toMatch(/^bearer /);
  });

  it("is configured from all three settings or none, and never next to GITHUB_TOKEN", () => {
    expect(() => parseConfig({ GITHUB_APP_ID: "1" })).toThrow(/GITHUB_APP_PRIVATE_KEY: a GitHub App needs all of/);
    expect(() => parseConfig({ GITHUB_APP_PRIVATE_KEY: "not a key" })).toThrow(/GITHUB_APP_PRIVATE_KEY: must be the App's private key in PEM format .*\(value hidden\)/);
    expect(() => parseConfig({ GITHUB_WEBHOOK_HOOKS: "app" })).toThrow(/the entry `app` needs a GitHub App/);
    expect(githubClientFromConfig(parseConfig({}))).toBeNull();
  });
});

describe("GITHUB_WEBHOOK_HOOKS", () => {
  it("reads repository, organization and App hooks", () => {
    expect(parseConfig({ GITHUB_WEBHOOK_HOOKS: "acme/api:123456, org:acme:987654" }).GITHUB_WEBHOOK_HOOKS).toEqual([
      { kind: "repository", name: "acme/api:123456", owner: "acme", repo: "api", hookId: 123456 },
      { kind: "organization", name: "org:acme:987654", org: "acme", hookId: 987654 },
    ]);
    expect(() => parseConfig({ GITHUB_WEBHOOK_HOOKS: "acme/api" })).toThrow(/"acme\/api" is not a webhook: use owner\/repo:<hook id>/);
  });
});
