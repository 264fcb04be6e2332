// A GitOps change on GitLab, without a database: a retried attempt (the branch, the commit and the
// merge request already made) reuses them instead of failing; a file changed under it is refused.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitlabApi, type GitlabAccess } from "@/lib/gitlab/gitlab-client";
import { openGitopsPullRequest } from "@/lib/gitops/open-gitops-pull-request";
import { referenceCommitTrailers } from "@/lib/gitops/reference-commit-trailers";
import { type FakeGitlab, fakeGitlabProject, startFakeGitlab } from "../../support/fake-gitlab";

let gitlab: FakeGitlab;
let access: GitlabAccess;
beforeAll(async () => {
  gitlab = await startFakeGitlab();
  access = { host: new URL(gitlab.url).host, api: createGitlabApi({ url: gitlab.url, token: gitlab.token, timeoutMs: 2_000 }) };
});
afterAll(() => gitlab.close());
beforeEach(() => gitlab.projects.clear());

const VALUES = "image:\n  repository: registry.example.com/shop/cart\n  tag: 1.4.0\n";
const input = () => ({
  target: { forge: "gitlab" as const, repository: `${access.host}/shop/deploy`, path: "cart/prod", baseBranch: null },
  image: "registry.example.com/shop/cart",
  tag: "1.3.2",
  autoMerge: false,
  branch: "shiplog/rollback-7",
  text: () => ({ title: "Roll back cart to 1.3.2", message: "Roll back cart to 1.3.2\n\nShiplog rollback #7", body: "Shiplog rollback #7" }),
});

describe("openGitopsPullRequest on GitLab", () => {
  it("a retried attempt reuses its branch, commit and merge request", async () => {
    gitlab.projects.set("shop/deploy", fakeGitlabProject({ "cart/prod/values.yaml": VALUES }, "production"));
    const first = await openGitopsPullRequest({ github: null, gitlab: access }, input());
    const again = await openGitopsPullRequest({ github: null, gitlab: access }, input());
    expect(again).toEqual(first);
    expect(first).toMatchObject({ number: 1, merged: false, filePath: "cart/prod/values.yaml", previousTag: "1.4.0" });
    const project = gitlab.projects.get("shop/deploy")!;
    expect(project.commits).toHaveLength(1);
    expect(project.mergeRequests.map((mr) => [mr.source_branch, mr.target_branch, mr.state])).toEqual([["shiplog/rollback-7", "production", "opened"]]);
    expect(project.branches.get("shiplog/rollback-7")!.get("cart/prod/values.yaml")!.content).toBe(VALUES.replace("1.4.0", "1.3.2"));
  });

  it("a file changed on the base branch since it was read is refused, not overwritten", async () => {
    gitlab.projects.set("shop/deploy", fakeGitlabProject({ "cart/prod/values.yaml": VALUES }));
    const project = gitlab.projects.get("shop/deploy")!;
    // Someone else's commit lands on the branch between the read and the write.
    project.branches.set("shiplog/rollback-7", new Map([["cart/prod/values.yaml", { content: VALUES.replace("1.4.0", "1.5.0"), lastCommitId: "f".repeat(40) }]]));
    await expect(openGitopsPullRequest({ github: null, gitlab: access }, input())).rejects.toThrow(/changed since you started editing/);
    expect(project.mergeRequests).toEqual([]);
  });

  it("names a GitLab code project by its own URL in Argo CD's reference trailers", () => {
    const commit = { sha: "a".repeat(40), repository: "gitlab.example.com/shop/cart", message: "Fix", authorName: null, committedAt: null };
    expect(referenceCommitTrailers(commit)).toContain("Argocd-reference-commit-repourl: https://gitlab.example.com/shop/cart");
    expect(referenceCommitTrailers({ ...commit, repository: "acme/cart" })).toContain("Argocd-reference-commit-repourl: https://github.com/acme/cart");
  });
});
