// A local stand-in for the GitHub REST API, answering the calls Shiplog makes in GitHub's
// documented shapes: compare two commits (commits[], status, ahead_by, total_commits,
// base_commit; paginated; ETag and 304 on If-None-Match), list a repository's, organization's
// or App's webhook deliveries (newest first, cursor pagination through the Link header),
// redeliver one (202), an App installation token, and the rate-limit answers (403/429 with
// x-ratelimit-remaining: 0 and x-ratelimit-reset, or a secondary limit with retry-after).
import { createHash, createPublicKey, verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export type FakeCommit = {
  sha: string;
  commit: { message: string; author: { name: string; email: string; date: string }; committer: { name: string; email: string; date: string } };
  author: { login: string } | null;
  parents: { sha: string }[];
};

export type FakeComparison = {
  status: "ahead" | "behind" | "diverged" | "identical";
  ahead_by: number;
  behind_by: number;
  base_commit: FakeCommit;
  /** Oldest first, as GitHub lists them. */
  commits: FakeCommit[];
};

export type FakeDelivery = {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  throttled_at: string | null;
};

export type FakeRequest = { method: string; path: string; headers: IncomingHttpHeaders; body?: unknown };

/** A repository for the contents, refs and pulls endpoints: branches of files (path → text). */
export type FakeRepository = {
  defaultBranch: string;
  branches: Map<string, Map<string, string>>;
  /** Commits made through the contents API, oldest first. */
  commits: { branch: string; path: string; message: string; content: string }[];
  pulls: { number: number; head: string; base: string; title: string; body: string; html_url: string; merged: boolean }[];
};

export type FakeGithub = {
  url: string;
  /** Accepted credential: `token <token>` (a personal or installation token). */
  token: string;
  /** "owner/repo base...head" → the comparison. */
  comparisons: Map<string, FakeComparison>;
  /** "/repos/o/r/hooks/1", "/orgs/o/hooks/2" or "/app/hook" → its deliveries (any order). */
  deliveries: Map<string, FakeDelivery[]>;
  /** Redeliveries asked for: the hook path and the delivery id. */
  redeliveries: { hook: string; deliveryId: number }[];
  /** What a redelivery does once asked (default: nothing visible yet, as while it is in flight). */
  onRedeliver: ((hook: string, original: FakeDelivery) => void) | undefined;
  requests: FakeRequest[];
  /** The next `times` API requests (of method `only`, when given) get this rate-limit answer. */
  rateLimit: { kind: "primary-403" | "primary-429" | "secondary"; times: number; resetInSeconds: number; only?: "GET" | "POST" } | undefined;
  /** Answers wait this long (a hung GitHub when longer than the client's time limit). */
  delayMs: number;
  /** The App's public key (PEM) for checking the JWT of installation token requests. */
  appPublicKey: string | undefined;
  /** "owner/name" → its branches, commits and pull requests. */
  repositories: Map<string, FakeRepository>;
  /** Merging a pull request answers this instead (e.g. 405 for a protected branch). */
  mergeRefusal: { status: number; message: string } | undefined;
  close: () => Promise<void>;
};

/** A repository with one branch holding `files`. */
export function fakeRepository(files: Record<string, string>, defaultBranch = "main"): FakeRepository {
  return { defaultBranch, branches: new Map([[defaultBranch, new Map(Object.entries(files))]]), commits: [], pulls: [] };
}

const blobSha = (text: string) => createHash("sha1").update(`blob ${Buffer.byteLength(text)}\0${text}`).digest("hex");
const branchSha = (files: Map<string, string>) => createHash("sha1").update(JSON.stringify([...files.entries()].sort())).digest("hex");

const DOCS = "https://docs.github.com/rest";

export async function startFakeGithub(token = "ghp_fakeToken0123456789"): Promise<FakeGithub> {
  const state = {
    token,
    comparisons: new Map<string, FakeComparison>(),
    deliveries: new Map<string, FakeDelivery[]>(),
    redeliveries: [] as { hook: string; deliveryId: number }[],
    onRedeliver: undefined as FakeGithub["onRedeliver"],
    requests: [] as FakeRequest[],
    rateLimit: undefined as FakeGithub["rateLimit"],
    delayMs: 0,
    appPublicKey: undefined as string | undefined,
    repositories: new Map<string, FakeRepository>(),
    mergeRefusal: undefined as FakeGithub["mergeRefusal"],
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const payload = (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined;
    const url = new URL(request.url ?? "/", "http://fake");
    state.requests.push({ method: request.method ?? "GET", path: url.pathname + url.search, headers: request.headers, body: payload });
    if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
    if (response.destroyed) return;
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4999",
        "x-ratelimit-reset": String(reset),
        "x-ratelimit-resource": "core",
        ...headers,
      });
      response.end(status === 304 || body === undefined ? undefined : JSON.stringify(body));
    };

    // An App exchanges its JWT for an installation token.
    const tokenRequest = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (request.method === "POST" && tokenRequest) {
      if (!state.appPublicKey || !validJwt(request.headers.authorization, state.appPublicKey)) {
        return send(401, { message: "A JSON web token could not be decoded", documentation_url: DOCS });
      }
      return send(201, { token: state.token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: "read" } });
    }
    const isAppRoute = url.pathname.startsWith("/app/hook");
    if (isAppRoute ? !(state.appPublicKey && validJwt(request.headers.authorization, state.appPublicKey)) : request.headers.authorization !== `token ${state.token}`) {
      return send(401, { message: "Bad credentials", documentation_url: DOCS });
    }

    if (state.rateLimit && state.rateLimit.times > 0 && (state.rateLimit.only ?? request.method) === request.method) {
      state.rateLimit.times -= 1;
      const resetAt = String(Math.floor(Date.now() / 1000) + state.rateLimit.resetInSeconds);
      if (state.rateLimit.kind === "secondary") {
        return send(
          403,
          { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: DOCS },
          { "retry-after": String(state.rateLimit.resetInSeconds) },
        );
      }
      return send(
        state.rateLimit.kind === "primary-403" ? 403 : 429,
        { message: "API rate limit exceeded for user ID 1.", documentation_url: DOCS },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": resetAt },
      );
    }

    const compare = /^\/repos\/([^/]+)\/([^/]+)\/compare\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && compare) {
      const key = `${compare[1]}/${compare[2]} ${decodeURIComponent(compare[3]!)}`;
      const comparison = state.comparisons.get(key);
      if (!comparison) return send(404, { message: "Not Found", documentation_url: DOCS });
      const perPage = Number(url.searchParams.get("per_page") ?? 250);
      const page = Number(url.searchParams.get("page") ?? 1);
      const body = {
        url: `${url.origin}${url.pathname}`,
        html_url: `https://github.com/${compare[1]}/${compare[2]}/compare/${compare[3]}`,
        base_commit: comparison.base_commit,
        merge_base_commit: comparison.base_commit,
        status: comparison.status,
        ahead_by: comparison.ahead_by,
        behind_by: comparison.behind_by,
        total_commits: comparison.commits.length,
        commits: comparison.commits.slice((page - 1) * perPage, page * perPage),
        // Only the first page lists the files; Shiplog keeps none of it.
        files: page === 1 ? [{ sha: "f".repeat(40), filename: "src/main.ts", status: "modified", additions: 1, deletions: 1, changes: 2, patch: "@@ -1 +1 @@\n-a\n+b" }] : [],
      };
      const etag = `W/"${createHash("sha256").update(JSON.stringify(body)).digest("hex")}"`;
      if (request.headers["if-none-match"] === etag) return send(304, undefined, { etag });
      return send(200, body, { etag });
    }

    const hookDeliveries = /^(\/repos\/[^/]+\/[^/]+\/hooks\/\d+|\/orgs\/[^/]+\/hooks\/\d+|\/app\/hook)\/deliveries$/.exec(url.pathname);
    if (request.method === "GET" && hookDeliveries) {
      const hook = hookDeliveries[1]!;
      const all = [...(state.deliveries.get(hook) ?? [])].sort((a, b) => b.id - a.id);
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const cursor = url.searchParams.get("cursor");
      const start = cursor ? all.findIndex((delivery) => `v1_${delivery.id}` === cursor) : 0;
      const page = all.slice(Math.max(start, 0), Math.max(start, 0) + perPage);
      const next = all[Math.max(start, 0) + perPage];
      const headers: Record<string, string> = {};
      if (next) {
        const nextUrl = new URL(url.pathname, `http://${request.headers.host}`);
        nextUrl.searchParams.set("per_page", String(perPage));
        nextUrl.searchParams.set("cursor", `v1_${next.id}`);
        headers.link = `<${nextUrl}>; rel="next"`;
      }
      return send(200, page, headers);
    }

    const attempt = /^(\/repos\/[^/]+\/[^/]+\/hooks\/\d+|\/orgs\/[^/]+\/hooks\/\d+|\/app\/hook)\/deliveries\/(\d+)\/attempts$/.exec(url.pathname);
    if (request.method === "POST" && attempt) {
      const hook = attempt[1]!;
      const original = state.deliveries.get(hook)?.find((delivery) => delivery.id === Number(attempt[2]));
      if (!original) return send(404, { message: "Not Found", documentation_url: DOCS });
      state.redeliveries.push({ hook, deliveryId: original.id });
      state.onRedeliver?.(hook, original);
      return send(202, {});
    }
    const repoRoute = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const repository = repoRoute ? state.repositories.get(`${repoRoute[1]}/${repoRoute[2]}`) : undefined;
    if (repoRoute && repository) {
      const full = `${repoRoute[1]}/${repoRoute[2]}`;
      const rest = decodeURIComponent(repoRoute[3] ?? "");
      const body = payload ?? {};
      if (request.method === "GET" && rest === "") return send(200, { full_name: full, default_branch: repository.defaultBranch });
      const getRef = /^\/git\/ref\/heads\/(.+)$/.exec(rest);
      if (request.method === "GET" && getRef) {
        const files = repository.branches.get(getRef[1]!);
        if (!files) return send(404, { message: "Not Found", documentation_url: DOCS });
        return send(200, { ref: `refs/heads/${getRef[1]}`, object: { sha: branchSha(files), type: "commit" } });
      }
      if (request.method === "POST" && rest === "/git/refs") {
        const name = String(body.ref).replace(/^refs\/heads\//, "");
        if (repository.branches.has(name)) return send(422, { message: "Reference already exists", documentation_url: DOCS });
        const from = [...repository.branches.values()].find((files) => branchSha(files) === body.sha);
        if (!from) return send(422, { message: "Object does not exist", documentation_url: DOCS });
        repository.branches.set(name, new Map(from));
        return send(201, { ref: body.ref, object: { sha: body.sha, type: "commit" } });
      }
      const contents = /^\/contents\/(.+)$/.exec(rest);
      if (contents) {
        const path = contents[1]!;
        const branch = request.method === "GET" ? (url.searchParams.get("ref") ?? repository.defaultBranch) : String(body.branch ?? repository.defaultBranch);
        const files = repository.branches.get(branch);
        if (!files) return send(404, { message: `No commit found for the ref ${branch}`, documentation_url: DOCS });
        const current = files.get(path);
        if (request.method === "GET") {
          if (current === undefined) return send(404, { message: "Not Found", documentation_url: DOCS });
          return send(200, { type: "file", encoding: "base64", path, name: path.split("/").pop(), sha: blobSha(current), content: Buffer.from(current).toString("base64") });
        }
        if (request.method === "PUT") {
          if (current !== undefined && body.sha !== blobSha(current)) return send(409, { message: `${path} does not match ${body.sha}`, documentation_url: DOCS });
          const content = Buffer.from(String(body.content), "base64").toString("utf8");
          files.set(path, content);
          repository.commits.push({ branch, path, message: String(body.message), content });
          return send(200, { content: { path, sha: blobSha(content) }, commit: { sha: branchSha(files), message: body.message } });
        }
      }
      if (request.method === "POST" && rest === "/pulls") {
        if (!repository.branches.has(String(body.head)) || !repository.branches.has(String(body.base))) {
          return send(422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "invalid", field: "head" }], documentation_url: DOCS });
        }
        const number = repository.pulls.length + 1;
        const pull = { number, head: String(body.head), base: String(body.base), title: String(body.title), body: String(body.body ?? ""), html_url: `https://github.com/${full}/pull/${number}`, merged: false };
        repository.pulls.push(pull);
        return send(201, { ...pull, state: "open" });
      }
      const merge = /^\/pulls\/(\d+)\/merge$/.exec(rest);
      if (request.method === "PUT" && merge) {
        const pull = repository.pulls.find((candidate) => candidate.number === Number(merge[1]));
        if (!pull) return send(404, { message: "Not Found", documentation_url: DOCS });
        if (state.mergeRefusal) return send(state.mergeRefusal.status, { message: state.mergeRefusal.message, documentation_url: DOCS });
        repository.branches.set(pull.base, new Map(repository.branches.get(pull.head)));
        pull.merged = true;
        return send(200, { merged: true, message: "Pull Request successfully merged", sha: branchSha(repository.branches.get(pull.base)!) });
      }
    }
    return send(404, { message: "Not Found", documentation_url: DOCS });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const fake = state as unknown as FakeGithub;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return fake;
}

/** A commit as GitHub's API renders it. */
export function fakeCommit(sha: string, parent: string | null, message: string, at: Date, login: string | null = "octocat"): FakeCommit {
  const person = { name: "Mona Octocat", email: "mona@example.com", date: at.toISOString().replace(/\.\d{3}Z$/, "Z") };
  return { sha, commit: { message, author: person, committer: person }, author: login ? { login } : null, parents: parent ? [{ sha: parent }] : [] };
}

let deliveryIds = 1_000_000;

/** A hook delivery list item; a failure has status_code 0 (time-out) or a non-2xx code. */
export function fakeDelivery(guid: string, statusCode: number, deliveredAt: Date, overrides: Partial<FakeDelivery> = {}): FakeDelivery {
  deliveryIds += 1;
  return {
    id: deliveryIds,
    guid,
    delivered_at: deliveredAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    redelivery: false,
    duration: statusCode === 0 ? 10 : 0.27,
    status: statusCode === 0 ? "timed out" : statusCode < 300 ? "OK" : "Invalid HTTP Response: 503",
    status_code: statusCode,
    event: "push",
    action: null,
    installation_id: null,
    repository_id: 1296269,
    throttled_at: null,
    ...overrides,
  };
}

function validJwt(authorization: string | undefined, publicKey: string): boolean {
  const match = /^bearer (.+)\.(.+)\.(.+)$/i.exec(authorization ?? "");
  if (!match) return false;
  const [, header, payload, signature] = match;
  return verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), createPublicKey(publicKey), Buffer.from(signature!, "base64url"));
}
