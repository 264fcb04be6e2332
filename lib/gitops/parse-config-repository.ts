// An Argo CD application's source repository as GitHub's owner/name or a GitLab project, for GitOps rollbacks and promotions.
// Accepts the forms Argo CD users write: https (with or without .git), scp-like ssh and ssh URLs.

/** `https://github.com/acme/deploy.git` → `acme/deploy`; null when it is not a GitHub-style URL. */
export function parseConfigRepository(repoUrl: string | null | undefined): string | null {
  if (!repoUrl) return null;
  const text = repoUrl.trim();
  const scp = /^[\w.-]+@[\w.-]+:([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(text);
  if (scp) return `${scp[1]}/${scp[2]}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!["https:", "http:", "ssh:"].includes(url.protocol)) return null;
  const parts = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "").split("/").filter(Boolean);
  if (parts.length !== 2) return null;
  return `${parts[0]}/${parts[1]}`;
}

export type ConfigRepository = { forge: "github" | "gitlab"; repository: string };

/**
 * The forge and name of a config repository: on the GitLab instance (`gitlabHost`, GITLAB_URL's
 * host) it is GitLab's `<host>/<group>/<project>` (subgroups allowed), as Shiplog names GitLab
 * projects; anything else is read as GitHub's owner/name. An ssh URL matches the instance by its
 * host name alone (GitLab's ssh port is not its web port).
 */
export function configRepositoryOf(repoUrl: string | null | undefined, gitlabHost: string | null | undefined): ConfigRepository | null {
  const gitlab = gitlabHost ? gitlabRepositoryOf(repoUrl, gitlabHost) : null;
  if (gitlab) return { forge: "gitlab", repository: gitlab };
  const github = parseConfigRepository(repoUrl);
  return github ? { forge: "github", repository: github } : null;
}

function gitlabRepositoryOf(repoUrl: string | null | undefined, gitlabHost: string): string | null {
  if (!repoUrl) return null;
  const text = repoUrl.trim();
  const host = gitlabHost.toLowerCase();
  const hostname = host.replace(/:\d+$/, "");
  const named = (path: string) => {
    const parts = path.replace(/\/+$/, "").replace(/\.git$/, "").split("/").filter(Boolean);
    return parts.length >= 2 && parts.every((part) => /^[\w.-]+$/.test(part)) ? `${host}/${parts.join("/")}` : null;
  };
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(text);
  if (scp) return scp[1]!.toLowerCase() === hostname ? named(scp[2]!) : null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol === "ssh:") return url.hostname.toLowerCase() === hostname ? named(url.pathname) : null;
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return url.host.toLowerCase() === host ? named(url.pathname) : null;
}
