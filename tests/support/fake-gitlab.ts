// A local stand-in for GitLab's REST API (v4), answering the calls Shiplog makes in the shapes
// GitLab documents (docs.gitlab.com/api): a project (`GET /projects/:id`, the id being the
// URL-encoded path), compare (`GET /projects/:id/repository/compare`, commits oldest first,
// from the merge base unless `straight`), the merge base, repository files (base64 content,
// `last_commit_id`), branches, commits with `actions[]` (checked against `last_commit_id`), and
// merge requests (create, 409 for a second open one of a branch, list, show, merge; a merge
// while GitLab is still checking answers 405). Authenticated by `PRIVATE-TOKEN`.
import { createHash } from "node:crypto";
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
  close: () => Promise<void>;
};

let projectIds = 100;

/** A project with one branch holding `files` (its commit graph empty until `graph` entries are added). */
export function fakeGitlabProject(files: Record<string, string>, defaultBranch = "main"): FakeGitlabProject {
  const initial = sha1(`initial ${JSON.stringify(files)}`);
  const tree = new Map(Object.entries(files).map(([path, content]) => [path, { content, lastCommitId: initial }]));
  return { id: (projectIds += 1), defaultBranch, branches: new Map([[defaultBranch, tree]]), graph: new Map(), commits: [], mergeRequests: [] };
}

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
  const state: Omit<FakeGitlab, "url" | "close"> = { token, projects: new Map(), requests: [], mergeChecksPending: 0, outage: undefined };
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
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    if (request.headers["private-token"] !== state.token) return send(401, { message: "401 Unauthorized" });
    if (state.outage && state.outage.times > 0) {
      state.outage.times -= 1;
      return send(state.outage.status, { message: `${state.outage.status} Service Unavailable` });
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
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
