// Webhook bodies for the ingest scenarios, as the real senders make them: GitHub's own example
// payloads (push, pull_request, workflow_run from @octokit/webhooks-examples) and the real Argo CD
// Application (application-real.json) wrapped the way a notification template posts it, each
// re-aimed at a repository or application of the generated fleet and given a new commit, image
// tag, times and delivery id, then signed (X-Hub-Signature-256) or given the bearer token.
//
// Every request is distinct: a storm of repeats would measure the duplicate path, not intake.
// Bodies come from per-target templates with placeholders replaced by string substitution,
// because building them at 2,000/s in the process that also drives the load must stay cheap.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { argocdBody, githubFixtures } from "../../tests/support/webhooks";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import type { LoadRequest } from "./load";

/** Header every bench request carries (kept with the stored row), so a run's rows can be counted. */
export const RUN_HEADER = "x-request-id";

export type WebhookCredentials = { githubSecret: string; argocdToken: string };

type FleetApplication = {
  instance: string;
  namespace: string;
  name: string;
  uid: string | null;
  labels: Record<string, string>;
  images: string[];
  repoUrl: string | null;
  path: string | null;
  targetRevision: string | null;
  destinationNamespace: string | null;
  cluster: string;
  server: string;
};

export type WebhookTargets = { repositories: string[]; applications: FleetApplication[] };

/** Repositories and applications of the generated fleet (at most `limit` of each) to aim deliveries at. */
export async function readWebhookTargets(pool: pg.Pool, limit = 2_000): Promise<WebhookTargets> {
  const repositories = await pool.query<{ repository: string }>(
    `SELECT repository FROM services WHERE repository IS NOT NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  const applications = await pool.query<FleetApplication>(
    `SELECT i.name AS instance, a.namespace, a.name, a.uid, a.labels, a.images, a.repo_url AS "repoUrl", a.path,
       a.target_revision AS "targetRevision", a.destination_namespace AS "destinationNamespace",
       c.name AS cluster, c.server
     FROM applications a JOIN argo_instances i ON i.id = a.argo_instance_id JOIN clusters c ON c.id = a.cluster_id
     WHERE a.deleted_at IS NULL ORDER BY a.id LIMIT $1`,
    [limit],
  );
  if (repositories.rows.length === 0 || applications.rows.length === 0) {
    throw new Error("The bench fleet has no repositories or applications to send webhooks for: generate the fleet first.");
  }
  return { repositories: repositories.rows.map((row) => row.repository), applications: applications.rows };
}

/** An endless, deterministic sequence of distinct signed deliveries, GitHub and Argo CD alternating. */
export type WebhookStream = {
  /** The next delivery (GitHub on even calls, Argo CD on odd ones). */
  next: () => LoadRequest;
  /** The next `count` deliveries. */
  take: (count: number) => LoadRequest[];
  /** Deliveries handed out so far. */
  readonly produced: number;
};

// Placeholders inside templates; none of them can occur in the fixtures.
const SHA = "__BENCH_SHA__";
const PARENT = "__BENCH_PARENT__";
const NUMBER = "990000001";
const TAG = "__BENCH_TAG__";
const STARTED = "__BENCH_STARTED__";
const FINISHED = "__BENCH_FINISHED__";
const HISTORY = "880000001";

type Template = { event: string; text: string };

/**
 * Deliveries tagged `runTag` (in X-Request-Id, and in every GitHub delivery id). Commit SHAs and
 * image tags derive from the tag and a counter, so two runs never collide and one run's
 * deliveries stay distinct however many are taken.
 */
export async function createWebhookStream(
  fixturesDir: string,
  targets: WebhookTargets,
  credentials: WebhookCredentials,
  runTag: string,
): Promise<WebhookStream> {
  const github = await githubTemplates(targets.repositories);
  const argocd = await argocdTemplates(fixturesDir, targets.applications);
  let produced = 0;
  const baseTime = Date.now();
  // Deliveries' times step forward by this much: small, so a storm of 60,000 ends minutes ahead of
  // the clock rather than hours (whatever a later scenario sends would otherwise be older).
  const STEP_MS = 10;

  const next = (): LoadRequest => {
    const n = produced++;
    const requestId = `${runTag}-${n}`;
    const sha = createHash("sha1").update(requestId).digest("hex");
    if (n % 2 === 0) {
      const template = github[(n / 2) % github.length]!;
      const body = template.text
        .replaceAll(SHA, sha)
        .replaceAll(PARENT, createHash("sha1").update(`${requestId}-parent`).digest("hex"))
        .replaceAll(NUMBER, String(100_000 + n))
        .replaceAll(STARTED, new Date(baseTime + n * STEP_MS).toISOString());
      return {
        method: "POST",
        path: "/api/webhooks/github",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/bench",
          "x-github-event": template.event,
          "x-github-delivery": requestId,
          "x-github-hook-id": "424242",
          "x-hub-signature-256": signGithubPayload(credentials.githubSecret, body),
          [RUN_HEADER]: requestId,
        },
        body,
      };
    }
    const template = argocd[((n - 1) / 2) % argocd.length]!;
    // A sync per delivery, STEP_MS apart, finished half a step later.
    const started = new Date(baseTime + n * STEP_MS);
    const body = template.text
      .replaceAll(SHA, sha)
      .replaceAll(TAG, `sha-${sha.slice(0, 7)}`)
      .replaceAll(STARTED, started.toISOString())
      .replaceAll(FINISHED, new Date(started.getTime() + STEP_MS / 2).toISOString())
      .replaceAll(HISTORY, String(n));
    return {
      method: "POST",
      path: "/api/webhooks/argocd",
      headers: {
        "content-type": "application/json",
        "user-agent": "argocd-notifications-controller",
        authorization: `Bearer ${credentials.argocdToken}`,
        [RUN_HEADER]: requestId,
      },
      body,
    };
  };

  return {
    next,
    take: (count) => Array.from({ length: count }, next),
    get produced() {
      return produced;
    },
  };
}

/** push, pull_request and workflow_run fixtures, one template per (fixture, repository) pair, interleaved. */
async function githubTemplates(repositories: string[]): Promise<Template[]> {
  const fixtures = await githubFixtures();
  const pick = (file: string) => {
    const fixture = fixtures.find((candidate) => candidate.file === file);
    if (!fixture) throw new Error(`GitHub fixture ${file} is missing from the payload examples`);
    return { event: fixture.event, json: JSON.parse(fixture.text) as Record<string, any> };
  };
  const push = pick("push/payload.json");
  const pullRequest = pick("pull_request/closed.payload.json");
  const workflowRun = pick("workflow_run/completed.payload.json");

  const templates: Template[] = [];
  for (const repository of repositories) {
    const [owner = "acme", name = repository] = repository.split("/");
    const aim = (json: Record<string, any>) => {
      const copy = structuredClone(json);
      copy.repository.full_name = repository;
      copy.repository.name = name;
      copy.repository.owner.login = owner;
      copy.repository.html_url = `https://github.com/${repository}`;
      return copy;
    };

    const pushed = aim(push.json);
    pushed.ref = "refs/heads/main";
    pushed.before = PARENT;
    pushed.after = SHA;
    pushed.forced = false;
    pushed.created = false;
    pushed.deleted = false;
    // The fixture's push created a branch without commits; this one adds one, in GitHub's shape.
    const author = { name: pushed.pusher.name, email: pushed.pusher.email, username: pushed.sender.login };
    const commit = {
      id: SHA, tree_id: SHA, distinct: true, message: "Bench: a change to ship", timestamp: STARTED,
      url: `https://github.com/${repository}/commit/${SHA}`, author, committer: author, added: [], removed: [], modified: ["README.md"],
    };
    pushed.commits = [commit];
    pushed.head_commit = commit;
    templates.push({ event: push.event, text: JSON.stringify(pushed) });

    const merged = aim(pullRequest.json);
    merged.number = Number(NUMBER);
    merged.pull_request.number = Number(NUMBER);
    merged.pull_request.merged = true;
    merged.pull_request.merged_at = merged.pull_request.closed_at ?? "2019-05-15T15:20:33Z";
    merged.pull_request.merge_commit_sha = SHA;
    merged.pull_request.html_url = `https://github.com/${repository}/pull/${NUMBER}`;
    templates.push({ event: pullRequest.event, text: JSON.stringify(merged) });

    const run = aim(workflowRun.json);
    run.workflow_run.head_sha = SHA;
    run.workflow_run.head_commit = { ...run.workflow_run.head_commit, id: SHA, tree_id: SHA };
    run.workflow_run.head_repository = { ...run.workflow_run.head_repository, full_name: repository, name };
    templates.push({ event: workflowRun.event, text: JSON.stringify(run) });
  }
  return templates;
}

/** The real Application, one copy per fleet application: its identity, labels and destination, a new sync. */
async function argocdTemplates(fixturesDir: string, applications: FleetApplication[]): Promise<Template[]> {
  const real = JSON.parse(await readFile(path.join(fixturesDir, "argocd/application-real.json"), "utf8")) as Record<string, any>;
  return applications.map((application) => {
    const app = structuredClone(real);
    app.metadata.name = application.name;
    app.metadata.namespace = application.namespace;
    app.metadata.uid = application.uid ?? createHash("sha1").update(`${application.instance}/${application.name}`).digest("hex");
    if (Object.keys(application.labels).length > 0) app.metadata.labels = application.labels;
    const source = app.spec.source ?? {};
    app.spec.source = {
      ...source,
      repoURL: application.repoUrl ?? source.repoURL,
      path: application.path ?? source.path,
      targetRevision: application.targetRevision ?? source.targetRevision,
    };
    app.spec.destination = { name: application.cluster, server: application.server, namespace: application.destinationNamespace ?? application.name };
    // The service's own images move to the new tag; the rest (sidecars) stay as they run.
    const images = application.images.length > 0 ? application.images : (app.status.summary?.images ?? []);
    app.status.summary = { ...app.status.summary, images: images.map((image: string, index: number) => (index === 0 ? retag(image) : image)) };
    app.status.sync = { ...app.status.sync, status: "Synced", revision: SHA };
    app.status.health = { ...app.status.health, status: "Healthy", lastTransitionTime: FINISHED };
    app.status.reconciledAt = FINISHED;
    const operationState = app.status.operationState;
    operationState.phase = "Succeeded";
    operationState.startedAt = STARTED;
    operationState.finishedAt = FINISHED;
    operationState.operation.sync.revision = SHA;
    operationState.syncResult.revision = SHA;
    const history = app.status.history ?? [];
    app.status.history = [
      ...history.slice(-9),
      { ...history.at(-1), id: Number(HISTORY), revision: SHA, deployStartedAt: STARTED, deployedAt: FINISHED },
    ];
    return { event: "on-deployed", text: argocdBody(app, { event: "on-deployed", instance: application.instance }) };
  });
}

function retag(image: string): string {
  const at = image.lastIndexOf(":");
  const slash = image.lastIndexOf("/");
  return `${at > slash ? image.slice(0, at) : image}:${TAG}`;
}
