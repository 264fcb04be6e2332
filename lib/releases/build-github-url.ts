// Links out to GitHub's web UI for a repository, a commit or a compare range. The web host is
// derived from GITHUB_API_URL, so GitHub Enterprise Server (https://host/api/v3) links to its
// own host and github.com's API (https://api.github.com) links to https://github.com.

/** https://github.com for api.github.com, https://host for https://host/api/v3. */
export function githubWebBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v3$/, "");
  return `${url.origin}${path}`;
}

export type GithubTarget =
  | { kind: "repository"; repository: string }
  | { kind: "commit"; repository: string; sha: string }
  | { kind: "compare"; repository: string; base: string; head: string };

/** The web URL of a repository, a commit, or the commits from `base` (exclusive) to `head`. */
export function buildGithubUrl(apiUrl: string, target: GithubTarget): string {
  const repository = `${githubWebBase(apiUrl)}/${target.repository.split("/").map(encodeURIComponent).join("/")}`;
  switch (target.kind) {
    case "repository":
      return repository;
    case "commit":
      return `${repository}/commit/${encodeURIComponent(target.sha)}`;
    case "compare":
      return `${repository}/compare/${encodeURIComponent(target.base)}...${encodeURIComponent(target.head)}`;
  }
}
