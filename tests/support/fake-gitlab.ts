// A local stand-in for GitLab's REST API (v4), answering the calls Shiplog makes in the shapes
// GitLab documents (docs.gitlab.com/api): a project (`GET /projects/:id`, the id being the
// URL-encoded path), compare (`GET /projects/:id/repository/compare`, commits oldest first,
// from the merge base unless `straight`), the merge base, repository files (base64 content,
// `last_commit_id`), branches, commits with `actions[]` (checked against `last_commit_id`), and
// merge requests (create, 409 for a second open one of a branch, list, show, merge; a merge
// while GitLab is still checking answers 405), and project and group webhooks with their event log
// (`GET …/hooks/:hook_id/events`, failed or not, newest first, 20 a page at most) and its resend
// (`POST …/events/:id/resend`: rate limited like GitLab's, 5 a minute per project or group; it
// really posts the logged request to the hook's URL, with the same Idempotency-Key and a new
// X-Gitlab-Event-UUID, logs the attempt, and answers the receiver's status). Authenticated by
// `PRIVATE-TOKEN`.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

/** GitLab's commit entity (API::Entities::Commit). */
export type FakeGitlabCommit = {
  id: string;
  short_id: string;
  created_at: string;
  parent_ids: string[];
  title: string;
  message: string;
  author_name: string;
  author_email: string;
  authored_date: string;
  committer_name: string;
  committer_email: string;
  committed_date: string;
  trailers: Record<string, string>;
  extended_trailers: Record<string, string[]>;
  web_url: string;
};

type FakeFile = { content: string; lastCommitId: string };

export type FakeMergeRequest = {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: "opened" | "merged" | "closed";
  source_branch: string;
  target_branch: string;
  web_url: string;
  squash: boolean;
  /** The files of the target branch when the merge request was opened, to read its diff against. */
  baseFiles: Map<string, string>;
  /** The source branch's files when it was merged. */
  mergedFiles?: Map<string, string>;
  squashCommitMessage?: string;
  /** GitLab is still checking whether it can merge: the next read says so, then the check is done. */
  checking?: boolean;
};

export type FakeGitlabProject = {
  id: number;
  defaultBranch: string;
  /** branch → path → file. */
  branches: Map<string, Map<string, FakeFile>>;
  /** The commit graph the compare and merge base endpoints answer from. */
  graph: Map<string, FakeGitlabCommit>;
  /** Commits made through the commits API, oldest first. */
  commits: { branch: string; message: string; actions: { action: string; file_path: string; content?: string; last_commit_id?: string }[] }[];
  mergeRequests: FakeMergeRequest[];
  hooks: FakeGitlabHook[];
};

/** One entry of a hook's event log (API::Entities::WebHookLog, docs/api/project_webhooks.md). */
export type FakeHookEvent = {
  id: number;
  url: string;
  trigger: string;
  request_headers: Record<string, string>;
  request_data: Record<string, unknown>;
  response_headers: Record<string, string>;
  response_body: string;
  execution_duration: number;
  /** "202", "503", or "internal error" when GitLab got no answer. */
  response_status: string;
  created_at: string;
};

export type FakeGitlabHook = {
  id: number;
  url: string;
  /** The secret token GitLab sends as X-Gitlab-Token (logged as "[REDACTED]"). */
  token: string;
  alertStatus: "executable" | "temporarily_disabled" | "disabled";
  /** The log, oldest first. */
  events: FakeHookEvent[];
};

export type FakeGitlabRequest = { method: string; path: string; headers: IncomingHttpHeaders; body?: unknown };

export type FakeGitlab = {
  url: string;
  token: string;
  /** "group/project" → the project. */
  projects: Map<string, FakeGitlabProject>;
  requests: FakeGitlabRequest[];
  /** The next merges answer 405 while the merge request is "checking" (GitLab's asynchronous mergeability). */
  mergeChecksPending: number;
  /** The next API requests answer this (e.g. 503), `times` times. */
  outage: { status: number; times: number } | undefined;
  /** "group/subgroup" → the group's webhooks. */
  groups: Map<string, { hooks: FakeGitlabHook[] }>;
  /** False: a GitLab older than 17.3, whose API has no event log (404). */
  eventsApi: boolean;
  /** Resends allowed per project or group in a minute (GitLab: 5), then 429. */
  resendLimit: number;
  /** Resend requests GitLab carried out, in order: `<hook id>:<log entry id>`. */
  resends: string[];
  close: () => Promise<void>;
};

let projectIds = 100;

/** A project with one branch holding `files` (its commit graph empty until `graph` entries are added). */
export function fakeGitlabProject(files: Record<string, string>, defaultBranch = "main"): FakeGitlabProject {
  const initial = sha1(`initial ${JSON.stringify(files)}`);
  const tree = new Map(Object.entries(files).map(([path, content]) => [path, { content, lastCommitId: initial }]));
  return { id: (projectIds += 1), defaultBranch, branches: new Map([[defaultBranch, tree]]), graph: new Map(), commits: [], mergeRequests: [], hooks: [] };
}

let hookIds = 5000;
let logIds = 90_000;

/** A webhook pointing at `url` (Shiplog's /api/webhooks/gitlab), sending `token`. */
export function fakeGitlabHook(url: string, token: string): FakeGitlabHook {
  return { id: (hookIds += 1), url, token, alertStatus: "executable", events: [] };
}

/**
 * Logs a delivery of `body` by the hook as GitLab does (the request as sent, the answer it got),
 * e.g. one that failed while Shiplog was down. `key` is the event's Idempotency-Key.
 */
export function logFakeHookEvent(
  hook: FakeGitlabHook,
  options: { event: string; body: string; key: string; status: string; uuid?: string; idempotencyKey?: boolean; at?: Date },
): FakeHookEvent {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "GitLab/17.6.0",
    ...(options.idempotencyKey === false ? {} : { "Idempotency-Key": options.key }),
    "X-Gitlab-Event": options.event,
    "X-Gitlab-Webhook-UUID": "3c5c0404-c866-44bc-a5f6-452bb1bfc76e",
    "X-Gitlab-Instance": "https://gitlab.example.com",
    "X-Gitlab-Event-UUID": options.uuid ?? (options.idempotencyKey === false ? options.key : randomUUID()),
    "X-Gitlab-Token": "[REDACTED]",
  };
  const entry: FakeHookEvent = {
    id: (logIds += 1),
    url: hook.url,
    trigger: triggerOf(options.event),
    request_headers: headers,
    request_data: JSON.parse(options.body) as Record<string, unknown>,
    response_headers: options.status === "internal error" ? {} : { "Content-Type": "application/json" },
    response_body: options.status === "internal error" ? "Failed to open TCP connection (Connection refused)" : "",
    execution_duration: 0.02,
    response_status: options.status,
    created_at: (options.at ?? new Date()).toISOString(),
  };
  hook.events.push(entry);
  return entry;
}

const triggerOf = (event: string) => `${event.replace(/ Hook$/, "").toLowerCase().replaceAll(" ", "_")}_hooks`;

/** A commit as GitLab renders it; `parents` first parent first. */
export function fakeGitlabCommit(webBase: string, id: string, parents: string[], message: string, at: Date, author = "Ann Example"): FakeGitlabCommit {
  const date = at.toISOString().replace(/\.\d{3}Z$/, ".000+00:00");
  return {
    id,
    short_id: id.slice(0, 8),
    created_at: date,
    parent_ids: parents,
    title: message.split("\n")[0]!,
    message,
    author_name: author,
    author_email: "ann@example.com",
    authored_date: date,
    committer_name: author,
    committer_email: "ann@example.com",
    committed_date: date,
    trailers: {},
    extended_trailers: {},
    web_url: `${webBase}/-/commit/${id}`,
  };
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

export async function startFakeGitlab(token = "glpat-fakeToken0123456789"): Promise<FakeGitlab> {
  const state: Omit<FakeGitlab, "url" | "close"> = {
    token,
    projects: new Map(),
    requests: [],
    mergeChecksPending: 0,
    outage: undefined,
    groups: new Map(),
    eventsApi: true,
    resendLimit: 5,
    resends: [],
  };
  /** Resend times per project or group, for the per-minute limit. */
  const resendTimes = new Map<string, number[]>();
  let url = "";
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const raw = request.url ?? "/";
    const parsed = new URL(raw, "http://fake");
    const method = request.method ?? "GET";
    state.requests.push({ method, path: raw, headers: request.headers, body: text ? body : undefined });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(payload));
    };
    if (request.headers["private-token"] !== state.token) return send(401, { message: "401 Unauthorized" });
    if (state.outage && state.outage.times > 0) {
      state.outage.times -= 1;
      return send(state.outage.status, { message: `${state.outage.status} Service Unavailable` });
    }
    const groupRoute = /^\/api\/v4\/groups\/([^/?]+)(\/hooks[^?]*)$/.exec(raw.split("?")[0]!);
    if (groupRoute) {
      const groupPath = decodeURIComponent(groupRoute[1]!);
      const group = state.groups.get(groupPath);
      if (!group) return send(404, { message: "404 Group Not Found" });
      return answerHooks(`group ${groupPath}`, group.hooks, method, groupRoute[2]!, parsed, send);
    }
    // The project id is the URL-encoded path: match the raw path, before %2F is decoded.
    const route = /^\/api\/v4\/projects\/([^/?]+)(\/[^?]*)?/.exec(raw);
    if (!route) return send(404, { message: "404 Not Found" });
    const projectPath = decodeURIComponent(route[1]!);
    const project = state.projects.get(projectPath);
    if (!project) return send(404, { message: "404 Project Not Found" });
    const rest = route[2] ?? "";
    const param = (name: string) => parsed.searchParams.get(name) ?? (typeof body[name] === "string" ? (body[name] as string) : null);
    const webBase = `${url}/${projectPath}`;

    if (method === "GET" && rest === "") {
      return send(200, { id: project.id, path_with_namespace: projectPath, default_branch: project.defaultBranch, web_url: webBase });
    }
    if (rest.startsWith("/hooks")) return answerHooks(`project ${projectPath}`, project.hooks, method, rest, parsed, send);

    if (method === "GET" && rest === "/repository/compare") {
      const from = param("from")!;
      const to = param("to")!;
      if (!project.graph.has(from) || !project.graph.has(to)) return send(404, { message: "404 Ref Not Found" });
      const straight = param("straight") === "true";
      const excluded = ancestors(project.graph, straight ? from : (mergeBase(project.graph, from, to) ?? from));
      const listed = [...ancestors(project.graph, to)].filter((id) => !excluded.has(id)).map((id) => project.graph.get(id)!);
      const commits = listed.sort((a, b) => a.committed_date.localeCompare(b.committed_date));
      return send(200, { commit: commits.at(-1) ?? null, commits, diffs: [], compare_timeout: false, compare_same_ref: from === to, web_url: `${webBase}/-/compare/${from}...${to}` });
    }

    if (method === "GET" && rest === "/repository/merge_base") {
      const refs = parsed.searchParams.getAll("refs[]");
      if (refs.length !== 2 || refs.some((ref) => !project.graph.has(ref))) return send(404, { message: "404 Commit Not Found" });
      const base = mergeBase(project.graph, refs[0]!, refs[1]!);
      return base ? send(200, project.graph.get(base)) : send(404, { message: "404 Commit Not Found" });
    }

    const fileRoute = /^\/repository\/files\/([^/]+)$/.exec(rest);
    if (method === "GET" && fileRoute) {
      const filePath = decodeURIComponent(fileRoute[1]!);
      const ref = param("ref") ?? project.defaultBranch;
      const found = project.branches.get(ref)?.get(filePath);
      if (!found) return send(404, { message: "404 File Not Found" });
      const content = Buffer.from(found.content, "utf8");
      return send(200, {
        file_name: filePath.split("/").pop(),
        file_path: filePath,
        size: content.length,
        encoding: "base64",
        content: content.toString("base64"),
        content_sha256: createHash("sha256").update(content).digest("hex"),
        ref,
        blob_id: sha1(`blob ${content.length}\0${found.content}`),
        commit_id: found.lastCommitId,
        last_commit_id: found.lastCommitId,
      });
    }

    if (method === "POST" && rest === "/repository/branches") {
      const branch = param("branch")!;
      const ref = param("ref")!;
      if (project.branches.has(branch)) return send(400, { message: "Branch already exists" });
      const source = project.branches.get(ref);
      if (!source) return send(400, { message: "Invalid reference name: " + ref });
      project.branches.set(branch, new Map([...source].map(([path, file]) => [path, { ...file }])));
      return send(201, { name: branch, merged: false, protected: false, default: false, web_url: `${webBase}/-/tree/${branch}`, commit: { id: sha1(`${ref} head`) } });
    }

    if (method === "POST" && rest === "/repository/commits") {
      const branch = String(body.branch);
      const files = project.branches.get(branch);
      if (!files) return send(400, { message: "You can only create or edit files when you are on a branch" });
      const actions = (body.actions ?? []) as FakeGitlabProject["commits"][number]["actions"];
      const id = sha1(`${branch} ${project.commits.length} ${JSON.stringify(actions)}`);
      for (const action of actions) {
        const existing = files.get(action.file_path);
        if (action.action === "update" && !existing) return send(400, { message: "A file with this name doesn't exist" });
        if (action.last_commit_id && existing && existing.lastCommitId !== action.last_commit_id) {
          return send(400, { message: "You are attempting to update a file that has changed since you started editing it." });
        }
      }
      for (const action of actions) files.set(action.file_path, { content: action.content ?? "", lastCommitId: id });
      project.commits.push({ branch, message: String(body.commit_message), actions });
      return send(201, fakeGitlabCommit(webBase, id, [], String(body.commit_message), new Date()));
    }

    if (method === "POST" && rest === "/merge_requests") {
      const source = String(body.source_branch);
      const target = String(body.target_branch);
      const open = project.mergeRequests.find((mr) => mr.source_branch === source && mr.state === "opened");
      if (open) return send(409, { message: [`Another open merge request already exists for this source branch: !${open.iid}`] });
      if (!project.branches.has(source) || !project.branches.has(target)) return send(422, { message: ["Source branch or target branch does not exist"] });
      const iid = project.mergeRequests.length + 1;
      const mr: FakeMergeRequest = {
        id: project.id * 1000 + iid,
        iid,
        title: String(body.title),
        description: String(body.description ?? ""),
        state: "opened",
        source_branch: source,
        target_branch: target,
        web_url: `${webBase}/-/merge_requests/${iid}`,
        squash: body.squash === true,
        baseFiles: contents(project.branches.get(target)!),
      };
      project.mergeRequests.push(mr);
      return send(201, mergeRequestEntity(project, mr, "mergeable"));
    }

    if (method === "GET" && rest === "/merge_requests") {
      const matches = project.mergeRequests.filter(
        (mr) => (!param("source_branch") || mr.source_branch === param("source_branch")) && (!param("target_branch") || mr.target_branch === param("target_branch")) && (!param("state") || mr.state === param("state")),
      );
      return send(200, matches.map((mr) => mergeRequestEntity(project, mr, "mergeable")));
    }

    const mrRoute = /^\/merge_requests\/(\d+)(\/merge)?$/.exec(rest);
    const mr = mrRoute ? project.mergeRequests.find((candidate) => candidate.iid === Number(mrRoute[1])) : undefined;
    if (mrRoute && !mr) return send(404, { message: "404 Not found" });
    if (method === "GET" && mr && !mrRoute![2]) {
      const checking = mr.checking === true;
      mr.checking = false;
      return send(200, mergeRequestEntity(project, mr, checking ? "checking" : mr.state === "opened" ? "mergeable" : "not_open"));
    }
    if (method === "PUT" && mr && mrRoute![2]) {
      if (state.mergeChecksPending > 0) {
        state.mergeChecksPending -= 1;
        mr.checking = true;
        return send(405, { message: "405 Method Not Allowed" });
      }
      if (mr.state !== "opened") return send(405, { message: "405 Method Not Allowed" });
      const source = project.branches.get(mr.source_branch)!;
      const target = project.branches.get(mr.target_branch)!;
      mr.mergedFiles = contents(source);
      for (const [path, file] of source) if (target.get(path)?.content !== file.content) target.set(path, { ...file });
      mr.state = "merged";
      mr.squash = body.squash === true || mr.squash;
      mr.squashCommitMessage = typeof body.squash_commit_message === "string" ? body.squash_commit_message : undefined;
      if (body.should_remove_source_branch === true) project.branches.delete(mr.source_branch);
      return send(200, mergeRequestEntity(project, mr, "not_open"));
    }
    return send(404, { message: "404 Not Found" });
  });
  /** GitLab's hooks API (docs/api/project_webhooks.md, group_webhooks.md) for one project or group. */
  async function answerHooks(
    parent: string,
    hooks: FakeGitlabHook[],
    method: string,
    rest: string,
    parsed: URL,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    if (method === "GET" && rest === "/hooks") return send(200, hooks.map(hookEntity));
    const hookRoute = /^\/hooks\/(\d+)(\/events(?:\/(\d+)\/resend)?)?$/.exec(rest);
    const hook = hookRoute ? hooks.find((candidate) => candidate.id === Number(hookRoute[1])) : undefined;
    if (!hookRoute || !hook) return send(404, { message: "404 Not Found" });
    if (method === "GET" && !hookRoute[2]) return send(200, hookEntity(hook));
    if (!state.eventsApi) return send(404, { error: "404 Not Found" });

    if (method === "GET" && !hookRoute[3]) {
      const perPage = Number(parsed.searchParams.get("per_page") ?? 20);
      const page = Number(parsed.searchParams.get("page") ?? 1);
      if (!(perPage >= 1 && perPage <= 20)) return send(400, { error: "per_page does not have a valid value" });
      const statuses = parsed.searchParams.get("status")?.split(",") ?? null;
      const matches = (status: string) =>
        statuses === null ||
        statuses.some((filter) =>
          filter === "successful" ? /^2\d\d$/.test(status) : filter === "client_failure" ? /^4\d\d$/.test(status) : filter === "server_failure" ? /^5\d\d$/.test(status) || status === "internal error" : filter === status,
        );
      const listed = [...hook.events].reverse().filter((entry) => matches(entry.response_status));
      const pageItems = listed.slice((page - 1) * perPage, page * perPage);
      const hasNext = page * perPage < listed.length;
      return send(200, pageItems, {
        "x-page": String(page),
        "x-per-page": String(perPage),
        "x-next-page": hasNext ? String(page + 1) : "",
        "x-total": String(listed.length),
      });
    }

    if (method === "POST" && hookRoute[3]) {
      // GitLab checks its rate limit before it looks the entry up.
      const now = Date.now();
      const recent = (resendTimes.get(parent) ?? []).filter((at) => at > now - 60_000);
      if (recent.length >= state.resendLimit) return send(429, { message: { error: "This endpoint has been requested too many times. Try again later." } });
      resendTimes.set(parent, [...recent, now]);
      const entry = hook.events.find((candidate) => candidate.id === Number(hookRoute[3]));
      if (!entry) return send(404, { message: "404 Not found" });
      if (entry.url !== hook.url) return send(422, { message: "The hook URL has changed, and this log entry cannot be retried" });
      if (hook.alertStatus !== "executable") return send(422, { message: "Hook disabled" });
      state.resends.push(`${hook.id}:${entry.id}`);
      const headers = { ...entry.request_headers, "X-Gitlab-Event-UUID": randomUUID(), "X-Gitlab-Token": hook.token };
      const started = Date.now();
      let status: string;
      let body = "";
      try {
        const answer = await fetch(hook.url, { method: "POST", headers, body: JSON.stringify(entry.request_data) });
        status = String(answer.status);
        body = await answer.text();
      } catch (error) {
        status = "internal error";
        body = (error as Error).message;
      }
      hook.events.push({
        ...entry,
        id: (logIds += 1),
        request_headers: { ...headers, "X-Gitlab-Token": "[REDACTED]" },
        response_body: body,
        response_status: status,
        execution_duration: (Date.now() - started) / 1000,
        created_at: new Date().toISOString(),
      });
      if (status === "internal error") return send(422, { message: body });
      return send(201, { response_status: Number(status) });
    }
    return send(404, { message: "404 Not Found" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function hookEntity(hook: FakeGitlabHook) {
  return {
    id: hook.id,
    url: hook.url,
    name: "Shiplog",
    description: "",
    push_events: true,
    tag_push_events: true,
    merge_requests_events: true,
    pipeline_events: true,
    job_events: true,
    deployment_events: true,
    releases_events: true,
    enable_ssl_verification: true,
    alert_status: hook.alertStatus,
    disabled_until: hook.alertStatus === "temporarily_disabled" ? new Date(Date.now() + 600_000).toISOString() : null,
    created_at: "2026-01-05T10:00:00Z",
  };
}

function contents(files: Map<string, FakeFile>): Map<string, string> {
  return new Map([...files].map(([path, file]) => [path, file.content]));
}

function mergeRequestEntity(project: FakeGitlabProject, mr: FakeMergeRequest, detailed: string) {
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: project.id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    source_branch: mr.source_branch,
    target_branch: mr.target_branch,
    squash: mr.squash,
    merge_status: detailed === "checking" ? "checking" : "can_be_merged",
    detailed_merge_status: detailed,
    web_url: mr.web_url,
  };
}

/** Every commit reachable from `id` (itself included). */
function ancestors(graph: Map<string, FakeGitlabCommit>, id: string): Set<string> {
  const seen = new Set<string>();
  const queue = [id];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(graph.get(next)?.parent_ids ?? []));
  }
  return seen;
}

/** The newest commit reachable from both. */
function mergeBase(graph: Map<string, FakeGitlabCommit>, a: string, b: string): string | null {
  const fromA = ancestors(graph, a);
  const common = [...ancestors(graph, b)].filter((id) => fromA.has(id)).map((id) => graph.get(id)!);
  return common.sort((x, y) => y.committed_date.localeCompare(x.committed_date))[0]?.id ?? null;
}
