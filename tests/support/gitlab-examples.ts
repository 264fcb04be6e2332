// GitLab's published webhook payload examples (tests/fixtures/gitlab, README there names the
// source), and requests as GitLab sends them: X-Gitlab-Event, X-Gitlab-Event-UUID and the
// webhook's secret token in X-Gitlab-Token.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fixturesDir } from "./github-examples";

export type GitlabExample = "push" | "tag_push" | "merge_request" | "deployment" | "pipeline" | "job" | "release";

/** X-Gitlab-Event of each example, as GitLab's documentation gives it. */
export const GITLAB_EVENTS: Record<GitlabExample, string> = {
  push: "Push Hook",
  tag_push: "Tag Push Hook",
  merge_request: "Merge Request Hook",
  deployment: "Deployment Hook",
  pipeline: "Pipeline Hook",
  job: "Job Hook",
  release: "Release Hook",
};

/** The example's text exactly as stored. */
export function gitlabExampleText(name: GitlabExample): string {
  return readFileSync(path.join(fixturesDir, "gitlab", `${name}.json`), "utf8");
}

/** A fresh parsed copy of the example, for variants edited in code. */
export function gitlabExample(name: GitlabExample): Record<string, any> {
  return JSON.parse(gitlabExampleText(name)) as Record<string, any>;
}

type GitlabOptions = { event?: string; uuid?: string | null; token?: string | null; headers?: Record<string, string> };

export function gitlabRequest(body: string | Buffer, options: GitlabOptions = {}): Request {
  const headers = new Headers({ "content-type": "application/json", "user-agent": "GitLab/18.6.0", "x-gitlab-event": options.event ?? "Push Hook", "x-gitlab-instance": "https://gitlab.example.com" });
  const uuid = options.uuid === undefined ? randomUUID() : options.uuid;
  if (uuid !== null) headers.set("x-gitlab-event-uuid", uuid);
  const token = options.token === undefined ? "gitlab-secret-new" : options.token;
  if (token !== null) headers.set("x-gitlab-token", token);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  return new Request("http://shiplog.test/api/webhooks/gitlab", { method: "POST", headers, body: new Uint8Array(Buffer.from(body)) });
}
