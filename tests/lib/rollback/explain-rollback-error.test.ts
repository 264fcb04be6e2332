import { describe, expect, it } from "vitest";
import { ArgoCdError } from "@/lib/argocd/argocd-client";
import { explainArgoCdError, explainGithubError } from "@/lib/rollback/explain-rollback-error";

const argo = (status: number | null, said: string) =>
  new ArgoCdError(status === null ? `Argo CD prod (https://argocd.example.com) could not be reached: ${said}` : `Argo CD prod refused POST /api/v1/applications/payments/rollback (${status}): ${said}`, status);
/** What Octokit throws for an answer (an HttpError carrying the request, headers included). */
const github = (status: number, message: string) =>
  Object.assign(new Error(message), {
    name: "HttpError",
    status,
    request: { method: "PUT", url: "https://api.github.com/repos/acme/deploy/pulls/1/merge", headers: { authorization: "token ghp_secret" } },
    response: { status, url: "", headers: {}, data: {} },
  });

describe("explainArgoCdError", () => {
  it.each([
    [argo(400, "rollback cannot be initiated when auto-sync is enabled"), "Argo CD refused: auto-sync is enabled on payments. Turn auto-sync off, or roll back with a GitOps pull request."],
    [argo(400, "application payments does not have deployment with id 7"), "Argo CD refused: payments no longer has that history entry (application payments does not have deployment with id 7)."],
    [argo(401, "invalid session"), "Argo CD refused Shiplog's token for payments (401): check the token in ARGOCD_INSTANCES."],
    [argo(403, "permission denied"), "Argo CD refused: Shiplog's token may not roll back payments (403 permission denied). Grant it applications, sync on this project."],
    [argo(404, "not found"), "Argo CD does not know payments (404)."],
    [argo(null, "no answer within 300 ms"), "Argo CD could not be reached for payments: no answer within 300 ms."],
  ])("%#", (error, words) => {
    expect(explainArgoCdError(error, "payments")).toBe(words);
  });
});

describe("explainGithubError", () => {
  it("a protected branch, missing access, and never the credential", () => {
    const protectedBranch = explainGithubError(github(405, "Protected branch update failed for refs/heads/main."), "acme/deploy");
    expect(protectedBranch).toMatch(/^GitHub: the branch is protected in acme\/deploy/);
    expect(explainGithubError(github(403, "Resource not accessible by integration"), "acme/deploy")).toBe(
      "GitHub: Shiplog may not write to acme/deploy (403 Resource not accessible by integration). Give its token or App contents and pull-request write access.",
    );
    expect(explainGithubError(github(401, "Bad credentials"), "acme/deploy")).toMatch(/check GITHUB_TOKEN/);
    for (const status of [401, 403, 404, 405, 422, 500]) expect(explainGithubError(github(status, "x"), "acme/deploy")).not.toContain("ghp_secret");
  });
});
