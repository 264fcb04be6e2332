// An Argo CD application's source repository as GitHub's owner/name, for GitOps rollbacks.
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
