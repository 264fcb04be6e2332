// Field shapes shared by the GitLab webhook payloads Shiplog reads (docs/setup-gitlab.md).
// A GitLab project is named in Shiplog by its web URL's host and path (gitlab.com/group/sub/app,
// git.example.com:8443/team/api): paths nest, and a self-managed instance's project may share its
// path with one on gitlab.com, so the host is part of the name and the name cannot be mistaken for
// a GitHub owner/name.
import { z } from "zod";

/** "gitlab.com/group/project" for "https://gitlab.com/group/project"; undefined when it is not an http(s) project URL. */
export function gitlabRepositoryName(webUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(webUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const path = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "").replace(/^\/+/, "");
  if (!/^[^/\s]+(\/[^/\s]+)+$/.test(path) || path.length > 250) return undefined;
  return `${url.host.toLowerCase()}/${path}`;
}

/** A payload's `project`: its Shiplog repository name (host/path) and GitLab path (group/project). */
export const gitlabProject = z
  .object({
    web_url: z.string().refine((url) => gitlabRepositoryName(url) !== undefined, "must be the project's http(s) URL (https://host/group/project)"),
    path_with_namespace: z.string().min(1),
  })
  .transform((project) => ({ repository: gitlabRepositoryName(project.web_url)!, path: project.path_with_namespace, webUrl: project.web_url }));

/**
 * GitLab's times: ISO 8601 ("2012-01-03T23:36:29+02:00", "2021-02-23T02:41:37.886Z") in most
 * payloads, "2016-08-12 15:23:28 UTC" in pipeline, job and release ones, and
 * "2021-04-28 21:50:00 +0200" (the server's zone) in a deployment's status_changed_at.
 */
export const gitlabTime = z.string().transform((value, context) => {
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (UTC|[+-]\d{2}:?\d{2})$/.exec(value);
  const zone = spaced?.[3] === "UTC" ? "Z" : spaced?.[3]?.replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
  const date = new Date(spaced ? `${spaced[1]}T${spaced[2]}${zone}` : value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}[T ]/.test(value)) {
    context.addIssue({ code: "custom", message: "must be a GitLab timestamp (ISO 8601 or \"YYYY-MM-DD hh:mm:ss UTC\")" });
    return z.NEVER;
  }
  return date;
});
