// Issue "Traceability truth", proved end to end: over real HTTP against `next start` with its
// inline worker (a server and database of this file's own, as tests/http/where-is-commit.test.ts),
// signed GitHub webhooks built from GitHub's published examples (push, pull_request, deployment,
// deployment_status), Argo CD notifications carrying the real Application fixture and CI build
// reports go in; "where is commit X" (`/api/v1/commits/{sha}`, `/api/v1/commits?q=`) and the
// release (`/api/v1/releases/{id}`) must then answer what git says: a merge brings its pull
// request's commits, a force-push drops commits, a cherry-pick is not its original, a GitHub
// deployment runs a commit, and a release learns its commit from a digest or a short-SHA tag
// whichever arrives first. The browser part reads two of these answers off the pages; it lives
// here, not in tests/e2e, because tests/support/browser.ts opens pages on the shared seeded
// server, whose worker is off, and a second inline-worker server would cost two cores dearly.
import { createHash, randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import { isCancelledByBrowser, launchChromium, saveScreenshot } from "../support/browser";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { githubExample } from "../support/github-examples";
import { argocdApplication } from "../support/webhooks";

const { argocdToken, buildToken, githubSecret } = inject("webhookCredentials");
let baseUrl: string;
let cookie: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_truth", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const server = await startShiplogServer(database.url, { SHIPLOG_INLINE_WORKER: "true" });
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  ({ cookie } = await server.signIn([{ role: "viewer", teamId: null }]));
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

// ---------------------------------------------------------------------------------------------
// Senders

/** A commit SHA of this test, distinct per seed (so every 10-character prefix names one commit). */
const sha = (seed: string) => createHash("sha1").update(`traceability:${seed}`).digest("hex");
const digestOf = (seed: string) => `sha256:${createHash("sha256").update(`traceability:${seed}`).digest("hex")}`;
const owner = "e2e-truth";

async function post(endpoint: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(new URL(endpoint, baseUrl), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  expect(response.status, `${endpoint}: ${await response.clone().text()}`).toBe(202);
}

async function github(event: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  await post("/api/webhooks/github", body, {
    "x-github-event": event,
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": signGithubPayload(githubSecret, body),
  });
}

async function fixture(file: string): Promise<Record<string, any>> {
  return githubExample(file);
}

type PushedCommit = { id: string; message: string; at: string; distinct?: boolean };

/** GitHub's push example, carrying this push: `commits` oldest first, as GitHub lists them. */
async function push(repo: string, ref: string, before: string, commits: PushedCommit[], options: { forced?: boolean } = {}): Promise<void> {
  const payload = await fixture("push/with-new-branch.payload.json");
  const template = payload.commits[0];
  payload.ref = ref;
  payload.before = before;
  payload.after = commits.at(-1)!.id;
  payload.created = false;
  payload.forced = options.forced ?? false;
  payload.repository.full_name = `${owner}/${repo}`;
  payload.repository.name = repo;
  payload.commits = commits.map((commit) => ({
    ...template,
    id: commit.id,
    tree_id: sha(`tree-${commit.id}`),
    message: commit.message,
    timestamp: commit.at,
    distinct: commit.distinct ?? true,
    url: `https://github.com/${owner}/${repo}/commit/${commit.id}`,
    added: [],
    removed: [],
    modified: [`src/${commit.id.slice(0, 6)}.ts`],
  }));
  payload.head_commit = payload.commits.at(-1);
  await github("push", payload);
}

/** GitHub's `pull_request` closed example, merged into `mergeCommit`. */
async function pullRequestMerged(repo: string, pr: { number: number; title: string; head: string; headSha: string; mergeCommit: string; mergedAt: string }): Promise<void> {
  const payload = await fixture("pull_request/closed.payload.json");
  payload.number = pr.number;
  payload.repository.full_name = `${owner}/${repo}`;
  payload.repository.name = repo;
  Object.assign(payload.pull_request, {
    number: pr.number,
    title: pr.title,
    body: "Adds the basket endpoints.",
    state: "closed",
    merged: true,
    merged_at: pr.mergedAt,
    closed_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommit,
    html_url: `https://github.com/${owner}/${repo}/pull/${pr.number}`,
  });
  payload.pull_request.head = { ...payload.pull_request.head, ref: pr.head, sha: pr.headSha };
  payload.pull_request.base = { ...payload.pull_request.base, ref: "main" };
  await github("pull_request", payload);
}

type GithubDeployment = { id: number; sha: string; ref: string; environment: string; createdAt: string };

function deploymentObject(base: Record<string, any>, repo: string, deployment: GithubDeployment): Record<string, any> {
  return {
    ...base,
    id: deployment.id,
    url: `https://api.github.com/repos/${owner}/${repo}/deployments/${deployment.id}`,
    sha: deployment.sha,
    ref: deployment.ref,
    environment: deployment.environment,
    original_environment: deployment.environment,
    created_at: deployment.createdAt,
    updated_at: deployment.createdAt,
  };
}

/** GitHub's `deployment` example: asked to deploy a commit to an environment. */
async function githubDeployment(repo: string, deployment: GithubDeployment): Promise<void> {
  const payload = await fixture("deployment/payload.json");
  payload.repository.full_name = `${owner}/${repo}`;
  payload.repository.name = repo;
  payload.deployment = deploymentObject(payload.deployment, repo, deployment);
  await github("deployment", payload);
}

/** GitHub's `deployment_status` example: the deployment moved to `state` at `at`. */
async function githubDeploymentStatus(repo: string, deployment: GithubDeployment, state: "success" | "failure", at: string): Promise<void> {
  const payload = await fixture("deployment_status/payload.json");
  payload.repository.full_name = `${owner}/${repo}`;
  payload.repository.name = repo;
  payload.deployment = { ...deploymentObject(payload.deployment, repo, deployment), updated_at: at };
  Object.assign(payload.deployment_status, { state, environment: deployment.environment, created_at: at, updated_at: at });
  await github("deployment_status", payload);
}

async function reportBuild(report: { service: string; repo: string; commitSha: string; image: string; tag: string; digest?: string; builtAt: string }): Promise<void> {
  const body = JSON.stringify({
    service: report.service,
    repository: `${owner}/${report.repo}`,
    commitSha: report.commitSha,
    image: report.image,
    tag: report.tag,
    ...(report.digest ? { digest: report.digest } : {}),
    builtAt: report.builtAt,
  });
  await post("/api/webhooks/build", body, { authorization: `Bearer ${buildToken}` });
}

/** An Argo CD `on-deployed` notification: the real Application, now running `imageRef` (image:tag or image@digest). */
async function sync(target: { service: string; repo: string; environment: string; cluster: string; imageRef: string; startedAt: string }): Promise<void> {
  const app = structuredClone(await argocdApplication()) as Record<string, any>;
  app.metadata.name = `${target.service}-${target.environment}-${target.cluster}`;
  app.metadata.uid = `uid-${target.service}-${target.environment}-${target.cluster}`;
  app.metadata.labels = { "app.kubernetes.io/part-of": target.service, env: target.environment, "shiplog.io/repository": `${owner}.${target.repo}` };
  delete app.metadata.ownerReferences;
  delete app.status.resources;
  app.spec.destination = { name: target.cluster, namespace: target.service };
  const revision = `cfg-${createHash("sha1").update(`${app.metadata.name}@${target.imageRef}`).digest("hex").slice(0, 12)}`;
  const finishedAt = new Date(Date.parse(target.startedAt) + 60_000).toISOString();
  const settledAt = new Date(Date.parse(target.startedAt) + 120_000).toISOString();
  app.status.summary = { images: [target.imageRef] };
  app.status.sync = { ...app.status.sync, status: "Synced", revision };
  app.status.health = { status: "Healthy", lastTransitionTime: settledAt };
  app.status.reconciledAt = settledAt;
  app.status.operationState = {
    ...app.status.operationState,
    phase: "Succeeded",
    startedAt: target.startedAt,
    finishedAt,
    syncResult: { ...app.status.operationState.syncResult, revision },
  };
  await post("/api/webhooks/argocd", JSON.stringify({ event: "on-deployed", instance: "e2e-truth", app }), { authorization: `Bearer ${argocdToken}` });
}

// ---------------------------------------------------------------------------------------------
// Readers

type AppLocation = { name: string; environment: string; cluster: string; contains: boolean; currentRelease: { id: number; version: string } | null };
type Match = {
  commit: { sha: string; ticketKeys: string[]; cherryPickedFrom: string | null; pullRequests: { number: number }[] };
  services: { service: { name: string }; firstRelease: { id: number; version: string } | null; applications: AppLocation[] }[];
};
type Lookup = { matches: Match[] };
type Release = {
  id: number;
  version: string;
  commitSha: string | null;
  imageDigest: string | null;
  commitsComplete: boolean;
  commitCount: number;
  commits: { sha: string; pullRequests: { number: number }[] }[];
};
type ApplicationSummary = { name: string; environment: string; release: { id: number; version: string } | null };
type DeploymentSummary = { status: string; application: { name: string }; release: { id: number; version: string } | null };

async function getJson<T>(endpoint: string): Promise<T | undefined> {
  const response = await fetch(new URL(endpoint, baseUrl), { headers: { cookie } });
  if (response.status === 404) return undefined;
  expect(response.status, `GET ${endpoint}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as T;
}

const whereIs = (commit: string) => getJson<Lookup>(`/api/v1/commits/${commit.slice(0, 12)}`);
const search = (query: string) => getJson<Lookup>(`/api/v1/commits?q=${encodeURIComponent(query)}`);
const release = (id: number) => getJson<Release>(`/api/v1/releases/${id}`);
const applications = (service: string) => getJson<{ items: ApplicationSummary[] }>(`/api/v1/applications?service=${encodeURIComponent(service)}`);
const deployments = (service: string) => getJson<{ items: DeploymentSummary[] }>(`/api/v1/deployments?service=${encodeURIComponent(service)}`);

/** The worker runs beside the web server; wait until it has caught up, within bounds. */
async function eventually<T>(probe: () => Promise<T | undefined>, accept: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined && accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not reached within ${timeoutMs} ms; last answer: ${JSON.stringify(last)}`);
}

/** The one application of `service` in `environment`, as "where is commit X" lists it. */
function appIn(lookup: Lookup | undefined, commit: string, service: string, environment: string): AppLocation | undefined {
  const match = lookup?.matches.find((candidate) => candidate.commit.sha === commit);
  return match?.services.find((entry) => entry.service.name === service)?.applications.find((app) => app.environment === environment);
}

/** Wait until the commit's application in `environment` runs `version`, then answer the lookup. */
async function whereIsOnceRunning(commit: string, service: string, environment: string, version: string | ((version: string) => boolean)): Promise<Lookup> {
  const accept = typeof version === "string" ? (seen: string) => seen === version : version;
  return eventually(
    () => whereIs(commit),
    (lookup) => {
      const running = appIn(lookup, commit, service, environment)?.currentRelease?.version;
      return running !== undefined && accept(running);
    },
  );
}

const shas = (release: Release) => release.commits.map((commit) => commit.sha).sort();

// ---------------------------------------------------------------------------------------------
// Scenarios (each its own repository and service, so none sees another's history)

// a. A pull request merged with a merge commit: B1, B2 on the branch, M = merge(M0, B2).
const mergeRepo = "merge-api";
const mergeService = "merge-api";
const mergeImage = "registry.e2e.test/truth/merge-api";
const [m0, b1, b2, m] = [sha("a-m0"), sha("a-b1"), sha("a-b2"), sha("a-m")];
let mergeReleaseId: number;

describe("a pull request merged with a merge commit", () => {
  it("puts the branch's commits in the merge's release and so in production", async () => {
    await push(mergeRepo, "refs/heads/main", sha("a-root"), [{ id: m0, message: "Basket skeleton", at: "2026-11-21T08:00:00Z" }]);
    await reportBuild({ service: mergeService, repo: mergeRepo, commitSha: m0, image: mergeImage, tag: "1.0.0", builtAt: "2026-11-21T08:10:00Z" });
    await sync({ service: mergeService, repo: mergeRepo, environment: "staging", cluster: "stage-1", imageRef: `${mergeImage}:1.0.0`, startedAt: "2026-11-21T08:20:00Z" });
    await sync({ service: mergeService, repo: mergeRepo, environment: "prod", cluster: "prod-1", imageRef: `${mergeImage}:1.0.0`, startedAt: "2026-11-21T08:30:00Z" });
    // The branch was cut from main at M0 and pushed to; then the merge button made M on main.
    await push(mergeRepo, "refs/heads/feature/basket-totals", m0, [
      { id: b1, message: "Basket totals endpoint (SHOP-41)", at: "2026-11-21T09:00:00Z" },
      { id: b2, message: "Basket totals: rounding", at: "2026-11-21T09:30:00Z" },
    ]);
    await pullRequestMerged(mergeRepo, { number: 7, title: "Basket totals (SHOP-41)", head: "feature/basket-totals", headSha: b2, mergeCommit: m, mergedAt: "2026-11-21T10:00:00Z" });
    await push(mergeRepo, "refs/heads/main", m0, [
      { id: b1, message: "Basket totals endpoint (SHOP-41)", at: "2026-11-21T09:00:00Z", distinct: false },
      { id: b2, message: "Basket totals: rounding", at: "2026-11-21T09:30:00Z", distinct: false },
      { id: m, message: `Merge pull request #7 from ${owner}/feature/basket-totals\n\nBasket totals (SHOP-41)`, at: "2026-11-21T10:00:00Z" },
    ]);
    await reportBuild({ service: mergeService, repo: mergeRepo, commitSha: m, image: mergeImage, tag: "1.1.0", builtAt: "2026-11-21T10:10:00Z" });
    await sync({ service: mergeService, repo: mergeRepo, environment: "prod", cluster: "prod-1", imageRef: `${mergeImage}:1.1.0`, startedAt: "2026-11-21T10:30:00Z" });

    // The build report and the sync are applied concurrently: wait until 1.1.0 has its commit too.
    const lookup = await eventually(
      () => whereIs(b1),
      (answer) => appIn(answer, b1, mergeService, "prod")?.contains === true && appIn(answer, b1, mergeService, "staging") !== undefined,
    );
    const prod = appIn(lookup, b1, mergeService, "prod")!;
    const staging = appIn(lookup, b1, mergeService, "staging")!;
    expect([prod.contains, prod.currentRelease?.version]).toEqual([true, "1.1.0"]);
    // Staging still runs 1.0.0, built before the branch existed.
    expect([staging.contains, staging.currentRelease?.version]).toEqual([false, "1.0.0"]);
    const service = lookup.matches.find((match) => match.commit.sha === b1)!.services.find((entry) => entry.service.name === mergeService)!;
    expect(service.firstRelease?.version).toBe("1.1.0");
    mergeReleaseId = prod.currentRelease!.id;
  });

  it("lists the merge and the branch's commits in the release, and not the base's", async () => {
    const merged = await eventually(() => release(mergeReleaseId), (answer) => answer.commitCount >= 3);
    expect(merged.version).toBe("1.1.0");
    expect(merged.commitSha).toBe(m);
    expect(shas(merged)).toEqual([b1, b2, m].sort());
    expect(merged.commitsComplete).toBe(true);
    expect(merged.commits.find((commit) => commit.sha === m)?.pullRequests.map((pr) => pr.number)).toContain(7);
  });

  it("finds production for the branch commit's ticket and for the pull request", async () => {
    const byTicket = await search("SHOP-41");
    expect(appIn(byTicket, b1, mergeService, "prod")?.contains).toBe(true);
    const byPullRequest = await search(`${owner}/${mergeRepo}#7`);
    expect(byPullRequest?.matches.length, JSON.stringify(byPullRequest)).toBeGreaterThan(0);
    for (const match of byPullRequest!.matches) expect(appIn(byPullRequest, match.commit.sha, mergeService, "prod")?.contains, match.commit.sha).toBe(true);
  });
});

// b. A force-push dropped D1, D2 from main: A → D1 → D2 (1.1.0), then main reset to A → N1 → N (1.2.0).
const forceRepo = "force-api";
const forceService = "force-api";
const forceImage = "registry.e2e.test/truth/force-api";
const [fa, d1, d2, n1, n] = [sha("b-a"), sha("b-d1"), sha("b-d2"), sha("b-n1"), sha("b-n")];

describe("a force-push that dropped commits", () => {
  it("leaves the dropped commits out of the release built after it", async () => {
    await push(forceRepo, "refs/heads/main", sha("b-root"), [{ id: fa, message: "Orders API", at: "2026-11-22T08:00:00Z" }]);
    await reportBuild({ service: forceService, repo: forceRepo, commitSha: fa, image: forceImage, tag: "1.0.0", builtAt: "2026-11-22T08:10:00Z" });
    await sync({ service: forceService, repo: forceRepo, environment: "prod", cluster: "prod-1", imageRef: `${forceImage}:1.0.0`, startedAt: "2026-11-22T08:20:00Z" });
    await push(forceRepo, "refs/heads/main", fa, [
      { id: d1, message: "Experimental pricing", at: "2026-11-22T09:00:00Z" },
      { id: d2, message: "Experimental pricing, part 2", at: "2026-11-22T09:10:00Z" },
    ]);
    await reportBuild({ service: forceService, repo: forceRepo, commitSha: d2, image: forceImage, tag: "1.1.0", builtAt: "2026-11-22T09:20:00Z" });
    await sync({ service: forceService, repo: forceRepo, environment: "staging", cluster: "stage-1", imageRef: `${forceImage}:1.1.0`, startedAt: "2026-11-22T09:30:00Z" });
    // The rework was pushed to a branch off A, then main was forced onto it.
    await push(forceRepo, "refs/heads/rework", fa, [{ id: n1, message: "Pricing, reworked", at: "2026-11-22T10:00:00Z" }]);
    await push(
      forceRepo,
      "refs/heads/main",
      d2,
      [
        { id: n1, message: "Pricing, reworked", at: "2026-11-22T10:00:00Z", distinct: false },
        { id: n, message: "Pricing: tests", at: "2026-11-22T10:10:00Z" },
      ],
      { forced: true },
    );
    await reportBuild({ service: forceService, repo: forceRepo, commitSha: n, image: forceImage, tag: "1.2.0", builtAt: "2026-11-22T10:20:00Z" });
    await sync({ service: forceService, repo: forceRepo, environment: "prod", cluster: "prod-1", imageRef: `${forceImage}:1.2.0`, startedAt: "2026-11-22T10:30:00Z" });

    // The build reports and each application's syncs are applied concurrently: wait for the end state.
    await eventually(() => whereIs(n1), (answer) => appIn(answer, n1, forceService, "prod")?.contains === true);
    const dropped = await eventually(
      () => whereIs(d1),
      (answer) => appIn(answer, d1, forceService, "staging")?.contains === true && appIn(answer, d1, forceService, "prod")?.currentRelease?.version === "1.2.0",
    );
    expect(appIn(dropped, d1, forceService, "prod")?.contains).toBe(false);
    // Staging runs 1.1.0, which did carry it.
    expect(appIn(dropped, d1, forceService, "staging")).toMatchObject({ contains: true, currentRelease: { version: "1.1.0" } });
    expect(appIn(await whereIs(d2), d2, forceService, "prod")?.contains).toBe(false);
    expect(appIn(await whereIs(n1), n1, forceService, "prod")?.contains).toBe(true);
    expect(appIn(await whereIs(fa), fa, forceService, "prod")?.contains).toBe(true);

    const reworked = (await release(appIn(dropped, d1, forceService, "prod")!.currentRelease!.id))!;
    expect(reworked.commitSha).toBe(n);
    expect(shas(reworked)).toEqual([n1, n].sort());
    expect(reworked.commitsComplete).toBe(true);
  });
});

// c. A release branch with a cherry-pick: main R0 → F → G (1.1.0, staging); release/1.0 R0 → F′ (1.0.1, prod).
const pickRepo = "pick-api";
const pickService = "pick-api";
const pickImage = "registry.e2e.test/truth/pick-api";
const [r0, f, g, fPrime] = [sha("c-r0"), sha("c-f"), sha("c-g"), sha("c-f-prime")];

describe("a release branch with a cherry-picked fix", () => {
  it("runs the cherry-pick in production, not its original, and finds both by the original's ticket", async () => {
    await push(pickRepo, "refs/heads/main", sha("c-root"), [{ id: r0, message: "Payments 1.0", at: "2026-11-23T08:00:00Z" }]);
    await reportBuild({ service: pickService, repo: pickRepo, commitSha: r0, image: pickImage, tag: "1.0.0", builtAt: "2026-11-23T08:10:00Z" });
    await sync({ service: pickService, repo: pickRepo, environment: "prod", cluster: "prod-1", imageRef: `${pickImage}:1.0.0`, startedAt: "2026-11-23T08:20:00Z" });
    await push(pickRepo, "refs/heads/main", r0, [
      { id: f, message: "Fix refund rounding (PAY-77)", at: "2026-11-23T09:00:00Z" },
      { id: g, message: "Refunds by bank transfer", at: "2026-11-23T09:10:00Z" },
    ]);
    await reportBuild({ service: pickService, repo: pickRepo, commitSha: g, image: pickImage, tag: "1.1.0", builtAt: "2026-11-23T09:20:00Z" });
    await sync({ service: pickService, repo: pickRepo, environment: "staging", cluster: "stage-1", imageRef: `${pickImage}:1.1.0`, startedAt: "2026-11-23T09:30:00Z" });
    // `git cherry-pick -x -e`: the message was edited and no longer names the ticket; only the
    // trailer links F′ to F.
    await push(pickRepo, "refs/heads/release/1.0", r0, [{ id: fPrime, message: `Backport the refund rounding fix\n\n(cherry picked from commit ${f})`, at: "2026-11-23T10:00:00Z" }]);
    await reportBuild({ service: pickService, repo: pickRepo, commitSha: fPrime, image: pickImage, tag: "1.0.1", builtAt: "2026-11-23T10:10:00Z" });
    await sync({ service: pickService, repo: pickRepo, environment: "prod", cluster: "prod-1", imageRef: `${pickImage}:1.0.1`, startedAt: "2026-11-23T10:20:00Z" });

    // Each application's deliveries and the build reports are applied concurrently: wait until
    // the end state is there (staging on 1.1.0, production on 1.0.1 with its commit known).
    await eventually(
      () => whereIs(fPrime),
      (lookup) =>
        appIn(lookup, fPrime, pickService, "prod")?.contains === true && appIn(lookup, fPrime, pickService, "staging")?.currentRelease?.version === "1.1.0",
    );
    const original = await whereIsOnceRunning(f, pickService, "prod", "1.0.1");
    expect(appIn(original, f, pickService, "prod")?.contains).toBe(false);
    expect(appIn(original, f, pickService, "staging")).toMatchObject({ contains: true, currentRelease: { version: "1.1.0" } });
    expect(original!.matches.find((match) => match.commit.sha === f)?.commit.ticketKeys).toEqual(["PAY-77"]);

    const pick = await whereIs(fPrime);
    expect(appIn(pick, fPrime, pickService, "prod")?.contains).toBe(true);
    expect(appIn(pick, fPrime, pickService, "staging")?.contains).toBe(false);
    expect(pick!.matches.find((match) => match.commit.sha === fPrime)?.commit.cherryPickedFrom).toBe(f);

    const patch = (await release(appIn(pick, fPrime, pickService, "prod")!.currentRelease!.id))!;
    expect(shas(patch)).toEqual([fPrime]);

    // Where is PAY-77: staging through F, production through F′.
    const ticket = await search("PAY-77");
    expect(ticket?.matches.map((match) => match.commit.sha).sort()).toEqual([f, fPrime].sort());
    const running = new Set(
      ticket!.matches.flatMap((match) => match.services.flatMap((entry) => entry.applications.filter((app) => app.contains).map((app) => `${app.environment} via ${match.commit.sha}`))),
    );
    expect([...running].sort()).toEqual([`prod via ${fPrime}`, `staging via ${f}`].sort());
  });
});

// d. A service deployed only through GitHub deployments.
const pagesRepo = "docs-site";
const [w1, w2, w3] = [sha("d-w1"), sha("d-w2"), sha("d-w3")];
const goodDeployment: GithubDeployment = { id: 7_700_001, sha: w2, ref: "main", environment: "production", createdAt: "2026-11-24T09:00:00Z" };
const failedDeployment: GithubDeployment = { id: 7_700_002, sha: w3, ref: "main", environment: "production", createdAt: "2026-11-24T11:00:00Z" };
let pagesServiceName: string;

describe("a service deployed only through GitHub deployments", () => {
  it("runs the successful deployment's commit, and its ancestors, in that environment", async () => {
    await push(pagesRepo, "refs/heads/main", sha("d-root"), [
      { id: w1, message: "Docs: getting started", at: "2026-11-24T08:00:00Z" },
      { id: w2, message: "Docs: API reference", at: "2026-11-24T08:30:00Z" },
    ]);
    await githubDeployment(pagesRepo, goodDeployment);
    await githubDeploymentStatus(pagesRepo, goodDeployment, "success", "2026-11-24T09:02:00Z");

    const lookup = await eventually(
      () => whereIs(w2),
      (answer) => answer.matches[0]?.services[0]?.applications.some((app) => app.name === "production" && app.currentRelease !== null) === true,
    );
    const [service] = lookup.matches[0]!.services;
    pagesServiceName = service!.service.name;
    const production = service!.applications.find((app) => app.name === "production")!;
    expect(production).toMatchObject({ cluster: "github", contains: true, currentRelease: { version: w2.slice(0, 12) } });
    expect(appIn(await whereIs(w1), w1, pagesServiceName, production.environment)?.contains).toBe(true);
  });

  it("keeps running it after a later deployment fails", async () => {
    await push(pagesRepo, "refs/heads/main", w2, [{ id: w3, message: "Docs: broken link checker", at: "2026-11-24T10:30:00Z" }]);
    await githubDeployment(pagesRepo, failedDeployment);
    await githubDeploymentStatus(pagesRepo, failedDeployment, "failure", "2026-11-24T11:03:00Z");
    await eventually(
      () => deployments(pagesServiceName),
      (answer) => answer.items.some((deployment) => deployment.status === "FAILED"),
    );

    const stillRunning = await whereIs(w2);
    const production = stillRunning!.matches[0]!.services[0]!.applications.find((app) => app.name === "production")!;
    expect(production).toMatchObject({ contains: true, currentRelease: { version: w2.slice(0, 12) } });
    const failedCommit = await whereIs(w3);
    expect(failedCommit?.matches[0]?.services[0]?.applications.find((app) => app.name === "production")?.contains).toBe(false);
  });
});

// e. An image pinned by digest: the build report carrying the digest before the sync, and after it.
const digestRepo = "digest-api";
const digestImage = "registry.e2e.test/truth/digest-api";
const [e1, e2] = [sha("e-1"), sha("e-2")];

describe("an image pinned by digest", () => {
  it("takes the commit of the build of that digest reported before the sync", async () => {
    const service = "digest-early-api";
    const digest = digestOf("e-early");
    await push(digestRepo, "refs/heads/main", sha("e-root"), [{ id: e1, message: "Inventory sync", at: "2026-11-25T08:00:00Z" }]);
    await reportBuild({ service, repo: digestRepo, commitSha: e1, image: digestImage, tag: "main-101", digest, builtAt: "2026-11-25T08:10:00Z" });
    await sync({ service, repo: digestRepo, environment: "prod", cluster: "prod-1", imageRef: `${digestImage}@${digest}`, startedAt: "2026-11-25T08:30:00Z" });

    const lookup = await eventually(() => whereIs(e1), (answer) => appIn(answer, e1, service, "prod")?.contains === true);
    const pinned = (await release(appIn(lookup, e1, service, "prod")!.currentRelease!.id))!;
    expect([pinned.commitSha, pinned.imageDigest]).toEqual([e1, digest]);
  });

  it("learns the commit from a build of that digest reported after the sync", async () => {
    const service = "digest-late-api";
    const digest = digestOf("e-late");
    await push(digestRepo, "refs/heads/main", e1, [{ id: e2, message: "Inventory sync: retries", at: "2026-11-25T09:00:00Z" }]);
    await sync({ service, repo: digestRepo, environment: "prod", cluster: "prod-1", imageRef: `${digestImage}@${digest}`, startedAt: "2026-11-25T09:30:00Z" });
    const [app] = (await eventually(() => applications(service), (answer) => answer.items[0]?.release != null)).items;
    const before = (await release(app!.release!.id))!;
    expect([before.commitSha, before.imageDigest]).toEqual([null, digest]);

    await reportBuild({ service, repo: digestRepo, commitSha: e2, image: digestImage, tag: "main-102", digest, builtAt: "2026-11-25T09:10:00Z" });
    await eventually(() => release(app!.release!.id), (answer) => answer.commitSha !== null);
    expect((await release(app!.release!.id))!.commitSha).toBe(e2);
    expect(appIn(await whereIs(e2), e2, service, "prod")).toMatchObject({ contains: true, currentRelease: { id: app!.release!.id } });
  });
});

// f. A short-SHA tag deployed before the push that brings its commit.
const shortRepo = "short-api";
const shortService = "short-api";
const shortImage = "registry.e2e.test/truth/short-api";
const [s0, s1] = [sha("f-0"), sha("f-1")];

describe("a short-SHA tag deployed before its commit is pushed", () => {
  it("gives the release its commit when the push arrives", async () => {
    const tag = `sha-${s1.slice(0, 7)}`;
    await sync({ service: shortService, repo: shortRepo, environment: "prod", cluster: "prod-1", imageRef: `${shortImage}:${tag}`, startedAt: "2026-11-26T09:30:00Z" });
    const [app] = (await eventually(() => applications(shortService), (answer) => answer.items[0]?.release != null)).items;
    expect(app!.release!.version).toBe(tag);
    expect((await release(app!.release!.id))!.commitSha).toBeNull();

    await push(shortRepo, "refs/heads/main", sha("f-root"), [
      { id: s0, message: "Search: index", at: "2026-11-26T08:00:00Z" },
      { id: s1, message: "Search: ranking", at: "2026-11-26T08:30:00Z" },
    ]);
    await eventually(() => release(app!.release!.id), (answer) => answer.commitSha !== null);
    expect((await release(app!.release!.id))!.commitSha).toBe(s1);
    expect(appIn(await whereIs(s1), s1, shortService, "prod")?.contains).toBe(true);
    expect(appIn(await whereIs(s0), s0, shortService, "prod")?.contains).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The same answers on the pages, in a real browser.

describe("in the browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A signed-in page on this file's server, recording console errors, exceptions and failed requests. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    await context.addCookies(
      cookie.split("; ").map((pair) => {
        const [name, ...value] = pair.split("=");
        return { name: name!, value: value.join("="), url: baseUrl, httpOnly: true, sameSite: "Lax" as const };
      }),
    );
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`uncaught exception: ${error.message}`));
    page.on("requestfailed", (request) => {
      const failed = { method: request.method(), url: request.url(), errorText: request.failure()?.errorText ?? "unknown error", resourceType: request.resourceType(), leftBehind: false };
      if (!isCancelledByBrowser(failed)) problems.push(`request failed: ${failed.method} ${failed.url}: ${failed.errorText}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
    return { page, problems };
  }

  it("shows the commits a merge brought in on the merge release's page", async () => {
    expect(mergeReleaseId, "scenario a recorded the merge release").toBeTypeOf("number");
    const { page, problems } = await openPage();
    const response = await page.goto(`/releases/${mergeReleaseId}`);
    expect(response?.status()).toBe(200);
    const table = page.getByRole("table", { name: "Commits added by 1.1.0" });
    await table.waitFor();
    await saveScreenshot(page, "traceability-merge-release");
    const rows = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ").trim()));
    expect(rows.map((row) => row.slice(0, 8)).sort()).toEqual([b1, b2, m].map((commit) => commit.slice(0, 8)).sort());
    expect(rows.find((row) => row.startsWith(b1.slice(0, 8)))).toContain("Basket totals endpoint (SHOP-41)");
    expect(rows.find((row) => row.startsWith(m0.slice(0, 8)))).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it("shows an environment deployed only through GitHub as running the commit", async () => {
    expect(pagesServiceName, "scenario d found the GitHub-deployed service").toBeTypeOf("string");
    const { page, problems } = await openPage();
    const prefix = w1.slice(0, 8);
    const response = await page.goto(`/commits/${prefix}`);
    expect(response?.status()).toBe(200);
    const table = page.getByRole("table", { name: `Applications of ${pagesServiceName}: do they run ${prefix}?` });
    await table.waitFor();
    await saveScreenshot(page, "traceability-github-deployment");
    const rows = await table.locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.children, (cell) => (cell as HTMLElement).innerText.replace(/\s+/g, " ").trim())),
    );
    // Environment, cluster, region, running, status.
    expect(rows.map((row) => row.slice(1, 5))).toEqual([["github", "—", w2.slice(0, 12), "✓ contains"]]);
    expect(problems).toEqual([]);
  });
});
