// GitHub's side of a GitOps change (lib/gitops/gitops-forge.ts): the contents API reads and
// writes the file, the git refs API makes the branch, the pulls API opens and merges.
import type { GithubClient } from "../github/github-client";
import type { GitopsForge } from "./gitops-forge";

export function githubGitopsForge(github: GithubClient, repository: string): GitopsForge {
  const [owner, repo] = repository.split("/") as [string, string];
  return {
    noun: "pull request",
    async defaultBranch() {
      return (await github.rest.repos.get({ owner, repo })).data.default_branch;
    },
    async readFile(path, ref) {
      let file: unknown;
      try {
        file = (await github.rest.repos.getContent({ owner, repo, path, ref })).data;
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
      const single = file as { content?: string; sha?: string; type?: string };
      if (single.type !== "file" || single.content === undefined || !single.sha) return null;
      return { content: Buffer.from(single.content, "base64").toString("utf8"), version: single.sha };
    },
    async createBranch(branch, from) {
      const base = await github.rest.git.getRef({ owner, repo, ref: `heads/${from}` });
      try {
        await github.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: base.data.object.sha });
      } catch (error) {
        // 422 "Reference already exists": an earlier attempt made it.
        if ((error as { status?: number }).status !== 422) throw error;
      }
    },
    async commitFile({ branch, path, content, message, version }) {
      await github.rest.repos.createOrUpdateFileContents({ owner, repo, path, branch, message, content: Buffer.from(content, "utf8").toString("base64"), sha: version });
    },
    async openChangeRequest({ branch, base, title, body }) {
      const pull = await github.rest.pulls.create({ owner, repo, head: branch, base, title, body });
      return { url: pull.data.html_url, number: pull.data.number };
    },
    async merge(request, { title, message }) {
      await github.rest.pulls.merge({ owner, repo, pull_number: request.number, merge_method: "squash", commit_title: title, commit_message: message.split("\n").slice(2).join("\n") });
    },
  };
}
