// Links out: GitHub's web host from GITHUB_API_URL (github.com or Enterprise Server), and an
// Argo CD application's page from its instance's URL or ARGOCD_INSTANCES.
import { describe, expect, it } from "vitest";
import { buildArgocdUrl } from "../../../lib/releases/build-argocd-url";
import { buildGithubUrl, githubWebBase } from "../../../lib/releases/build-github-url";

describe("githubWebBase", () => {
  it("maps the API's address to the web UI's", () => {
    expect(githubWebBase("https://api.github.com")).toBe("https://github.com");
    expect(githubWebBase("https://github.acme.internal/api/v3")).toBe("https://github.acme.internal");
    expect(githubWebBase("https://github.acme.internal/api/v3/")).toBe("https://github.acme.internal");
  });
});

describe("buildGithubUrl", () => {
  it("links a repository, a commit and a compare range", () => {
    const api = "https://api.github.com";
    expect(buildGithubUrl(api, { kind: "repository", repository: "acme/api" })).toBe("https://github.com/acme/api");
    expect(buildGithubUrl(api, { kind: "commit", repository: "acme/api", sha: "abc123" })).toBe("https://github.com/acme/api/commit/abc123");
    expect(buildGithubUrl(api, { kind: "compare", repository: "acme/api", base: "aaa", head: "bbb" })).toBe("https://github.com/acme/api/compare/aaa...bbb");
  });
});

describe("buildArgocdUrl", () => {
  const application = { instance: "prod", namespace: "argocd", name: "api-prod" };

  it("uses the instance's stored URL, else the configured one by name, else gives none", () => {
    expect(buildArgocdUrl({ ...application, instanceUrl: "https://argo.example.com/" }, [])).toBe("https://argo.example.com/applications/argocd/api-prod");
    expect(buildArgocdUrl({ ...application, instanceUrl: null }, [{ name: "prod", url: "https://argo-prod.example.com" }])).toBe(
      "https://argo-prod.example.com/applications/argocd/api-prod",
    );
    expect(buildArgocdUrl({ ...application, instanceUrl: null }, [{ name: "other", url: "https://x.example.com" }])).toBeNull();
    // Not http(s): no link (issue 14, finding 8).
    expect(buildArgocdUrl({ ...application, instanceUrl: "javascript:alert(1)" }, [])).toBeNull();
    expect(buildArgocdUrl({ ...application, instanceUrl: null }, [{ name: "prod", url: "data:text/html,x" }])).toBeNull();
  });
});
