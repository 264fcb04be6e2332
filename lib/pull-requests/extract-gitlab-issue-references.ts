// GitLab issue references in a merge request's title, description or branch: `#123` (this
// project), `project#123` (a project of the same group) and `group/sub/project#123`, each made
// full (`group/project#123`, lower case: GitLab paths ignore case) so one issue has one key
// whichever way it was written. Kept with the Jira-style keys (extract-ticket-keys.ts).
// Only where a reference can start (line start, space, brackets, punctuation): "#L12" anchors,
// "&#123;" entities and URLs' fragments are not references.
const REFERENCE = /(?<=^|[\s([{,;])((?:[A-Za-z0-9][\w.-]*\/)*[A-Za-z0-9][\w.-]*)?#(\d{1,9})(?![\w#])/g;

export function extractGitlabIssueReferences(projectPath: string, ...texts: (string | null | undefined)[]): string[] {
  const project = projectPath.toLowerCase();
  const namespace = project.includes("/") ? project.slice(0, project.lastIndexOf("/")) : "";
  const references = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(REFERENCE)) {
      const path = match[1]?.toLowerCase();
      const full = path === undefined ? project : path.includes("/") || namespace === "" ? path : `${namespace}/${path}`;
      references.add(`${full}#${Number.parseInt(match[2]!, 10)}`);
    }
  }
  return [...references].sort();
}
