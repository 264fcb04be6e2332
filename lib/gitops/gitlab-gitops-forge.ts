// GitLab's side of a GitOps change (lib/gitops/gitops-forge.ts), through @gitbeaker/rest: the
// repository files API reads the file, the branches API branches off, the commits API commits
// the one file (checked against the file's last commit, so a concurrent edit is refused rather
// than overwritten), and the merge requests API opens and, when asked, merges (squashed, the
// branch removed). A retried attempt reuses its branch, commit and merge request.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { gitlabProjectPath, gitlabStatus, type GitlabApi } from "../gitlab/gitlab-client";
import type { ChangeRequest, GitopsForge } from "./gitops-forge";

const file = z.object({ content: z.string(), encoding: z.string().nullish(), last_commit_id: z.string() });
const mergeRequest = z.object({ iid: z.number().int(), web_url: z.string(), detailed_merge_status: z.string().nullish(), merge_status: z.string().nullish() });

/** Merge statuses GitLab reports while it is still working out whether a merge request can merge. */
const PENDING = new Set(["checking", "unchecked", "cannot_be_merged_recheck", "preparing", "approvals_syncing"]);
const MERGE_ATTEMPTS = 10;

export function gitlabGitopsForge(api: GitlabApi, host: string, repository: string, options: { mergeRetryMs?: number } = {}): GitopsForge {
  const project = gitlabProjectPath(repository, host);
  if (!project) throw new Error(`${repository} is not a project of the GitLab instance ${host}`);
  const mergeRetryMs = options.mergeRetryMs ?? 1000;

  const readFile = async (path: string, ref: string) => {
    try {
      const found = file.parse(await api.RepositoryFiles.show(project, path, ref));
      const content = found.encoding === "text" ? found.content : Buffer.from(found.content, "base64").toString("utf8");
      return { content, version: found.last_commit_id };
    } catch (error) {
      if (gitlabStatus(error) === 404) return null;
      throw error;
    }
  };

  return {
    noun: "merge request",
    async defaultBranch() {
      const shown = z.object({ default_branch: z.string().nullish() }).parse(await api.Projects.show(project));
      if (!shown.default_branch) throw new Error(`${repository} has no default branch (an empty repository?)`);
      return shown.default_branch;
    },
    readFile,
    async createBranch(branch, from) {
      try {
        await api.Branches.create(project, branch, from);
      } catch (error) {
        // 400 "Branch already exists": an earlier attempt made it.
        if (!(gitlabStatus(error) === 400 && /already exists/i.test((error as Error).message))) throw error;
      }
    },
    async commitFile({ branch, path, content, message, version }) {
      // An earlier attempt's commit is on the branch already: committing again would be refused.
      if ((await readFile(path, branch))?.content === content) return;
      await api.Commits.create(project, branch, message, [{ action: "update", filePath: path, content, lastCommitId: version }]);
    },
    async openChangeRequest({ branch, base, title, body }) {
      try {
        const created = mergeRequest.parse(await api.MergeRequests.create(project, branch, base, title, { description: body, removeSourceBranch: true }));
        return { url: created.web_url, number: created.iid };
      } catch (error) {
        // 409 "Another open merge request already exists for this source branch": an earlier attempt's.
        if (gitlabStatus(error) !== 409) throw error;
        const open = z.array(mergeRequest).parse(await api.MergeRequests.all({ projectId: project, sourceBranch: branch, targetBranch: base, state: "opened" }));
        if (!open[0]) throw error;
        return { url: open[0].web_url, number: open[0].iid };
      }
    },
    async merge(request: ChangeRequest, { message }) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await api.MergeRequests.merge(project, request.number, { squash: true, squashCommitMessage: message, shouldRemoveSourceBranch: true });
          return;
        } catch (error) {
          // A merge request just opened is not mergeable until GitLab has checked it (405/406/422 meanwhile).
          const status = gitlabStatus(error);
          if (attempt >= MERGE_ATTEMPTS || (status !== 405 && status !== 406 && status !== 422)) throw error;
          const shown = mergeRequest.parse(await api.MergeRequests.show(project, request.number));
          if (!PENDING.has(shown.detailed_merge_status ?? shown.merge_status ?? "")) throw error;
          await sleep(mergeRetryMs);
        }
      }
    },
  };
}
