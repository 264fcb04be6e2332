// How one application gets the release: a GitOps pull request (a merge request on GitLab) setting the image tag in its
// config folder (works with auto-sync: Argo CD applies the merged change), or, for an
// application without auto-sync, an Argo CD sync to the config revision the release already ran
// with on an application of the same source. Pure: plan-promotion.ts gathers the facts.
import { configRepositoryOf } from "../gitops/parse-config-repository";
import type { GitopsTarget } from "../rollback/rollback-plan";

export type MethodFacts = {
  autoSync: boolean;
  repoUrl: string | null;
  path: string | null;
  targetRevision: string | null;
  /** A config revision the release ran with (Synced) on an application of the same repository and path. */
  releaseRevision: string | null;
  argoConfigured: boolean;
  githubConfigured: boolean;
  /** The GitLab instance's host (GITLAB_URL): config repositories there get merge requests. */
  gitlabHost?: string | null;
  /** GITLAB_TOKEN is set. */
  gitlabConfigured?: boolean;
};

export type MethodChoice =
  | { method: "GITOPS"; gitops: GitopsTarget; argoRevision: null; blockers: [] }
  | { method: "ARGOCD"; gitops: null; argoRevision: string; blockers: [] }
  | { method: null; gitops: GitopsTarget | null; argoRevision: null; blockers: string[] };

export function gitopsTargetOf(facts: Pick<MethodFacts, "repoUrl" | "path" | "targetRevision" | "gitlabHost">): GitopsTarget | null {
  const repository = configRepositoryOf(facts.repoUrl, facts.gitlabHost);
  if (!repository || facts.path === null) return null;
  const revision = facts.targetRevision?.trim();
  const baseBranch = !revision || revision === "HEAD" || /^[0-9a-f]{40}$/.test(revision) ? null : revision.replace(/^refs\/heads\//, "");
  return { forge: repository.forge, repository: repository.repository, path: facts.path.replace(/^\.?\/+|\/+$/g, ""), baseBranch };
}

export function choosePromotionMethod(facts: MethodFacts): MethodChoice {
  const gitops = gitopsTargetOf(facts);
  if (!facts.autoSync && facts.releaseRevision && facts.argoConfigured) return { method: "ARGOCD", gitops: null, argoRevision: facts.releaseRevision, blockers: [] };
  const forgeConfigured = gitops?.forge === "gitlab" ? facts.gitlabConfigured === true : facts.githubConfigured;
  if (gitops && forgeConfigured) {
    if (facts.autoSync) return { method: "GITOPS", gitops, argoRevision: null, blockers: [] };
    return { method: null, gitops, argoRevision: null, blockers: ["Auto-sync is off and no config revision running the release is known on this source: turn auto-sync on (a pull request is then applied when merged), or sync it by hand."] };
  }
  const blockers: string[] = [];
  if (!gitops) blockers.push("Its source is not a folder of a GitHub or GitLab repository, so no pull request can set the image tag.");
  else if (gitops.forge === "gitlab") blockers.push("GitOps promotions on GitLab need GitLab access (GITLAB_TOKEN).");
  else blockers.push("GitOps promotions need GitHub access (GITHUB_TOKEN or a GitHub App).");
  if (!facts.autoSync && !facts.argoConfigured) blockers.push("Shiplog has no API access to its Argo CD instance (ARGOCD_INSTANCES), so it cannot sync it.");
  return { method: null, gitops, argoRevision: null, blockers };
}
