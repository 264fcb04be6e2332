// The webhook deliveries a generated history (repository-history.ts) makes GitHub, CI and
// Argo CD send, built on copies of the real payloads (tests/support/github-examples.ts, tests/fixtures):
//
// - GitHub `push` (push/with-new-branch.payload.json): before, after, created, forced,
//   commits[] = before..after parents first, `distinct: false` for commits another branch
//   carried before, head_commit = the commit at `after`. A branch created at an existing commit
//   lists no commits; a force-push back to an older commit neither.
// - GitHub `pull_request` closed and merged (pull_request/closed.payload.json with `merged`,
//   merge_commit_sha, head.ref and head.sha set), after the push of the merge.
// - CI build reports (POST /api/webhooks/build) for images that do not name a full SHA.
// - Argo CD notifications (argocd/application-real.yaml as `{{toJson .app}}`): for each sync,
//   on-sync-running (the old images), then on-sync-succeeded and on-deployed (the new images, a
//   history entry more), or on-sync-failed (the old images).
// - GitHub `deployment` and `deployment_status` success.
//
// Each delivery keeps the id and ordering key the accept path would give it.
import { randomUUID } from "node:crypto";
import { deriveArgocdDeliveryId } from "../../../lib/ingest/accept/derive-argocd-delivery-id";
import { argocdApplicationSchema } from "../../../lib/ingest/accept/argocd-notification";
import { argocdFixture, githubFixture, type Json } from "../deliveries";
import {
  type Application,
  type History,
  type HistoryEvent,
  REPOSITORY,
  type Release,
  shaOf,
  SYNC_MS,
  ZERO_SHA,
} from "./repository-history";

export type Delivery = {
  source: "GITHUB" | "ARGOCD" | "BUILD";
  event: string;
  deliveryId: string;
  orderingKey: string;
  body: Json;
  /** One line for failure reports. */
  summary: string;
};

export type Fixtures = { push: Json; pullRequestClosed: Json; deployment: Json; deploymentStatus: Json; application: Json };

export async function loadFixtures(): Promise<Fixtures> {
  return {
    push: await githubFixture("push/with-new-branch.payload.json"),
    pullRequestClosed: await githubFixture("pull_request/closed.payload.json"),
    deployment: await githubFixture("deployment/payload.json"),
    deploymentStatus: await githubFixture("deployment_status/payload.json"),
    application: await argocdFixture(),
  };
}

const ARGOCD_INSTANCE = "argocd";
const SIDECAR = "docker.io/istio/proxyv2:1.22.1";
/** GitHub writes times without milliseconds. */
const githubTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Every delivery of `history`, in the order the events happened. */
export function renderDeliveries(history: History, fixtures: Fixtures): Delivery[] {
  const argocd = new ArgocdApplications(fixtures.application);
  return history.events.flatMap((event) => render(history, fixtures, argocd, event));
}

function render(history: History, fixtures: Fixtures, argocd: ArgocdApplications, event: HistoryEvent): Delivery[] {
  const label = (sha: string) => history.bySha.get(sha)?.label ?? "0";
  switch (event.kind) {
    case "push":
      return [
        github(
          "push",
          pushPayload(history, fixtures.push, event),
          `push ${event.ref.replace("refs/heads/", "")} ${label(event.before)}..${label(event.after)}${event.forced ? " forced" : ""}`,
        ),
      ];
    case "pull-request":
      return [github("pull_request", pullRequestPayload(fixtures.pullRequestClosed, event), `pull_request #${event.number} closed, merged as ${label(event.mergeCommitSha)}`)];
    case "build": {
      const { release } = event;
      const body = {
        service: release.service,
        repository: REPOSITORY,
        commitSha: release.commit,
        image: release.image,
        tag: release.build!.tag,
        digest: release.build!.digest,
        builtAt: event.at.toISOString(),
      };
      return [{ source: "BUILD", event: "build", deliveryId: randomUUID(), orderingKey: REPOSITORY, body, summary: `build report ${release.label}` }];
    }
    case "sync":
      return argocd.sync(event);
    case "github-deployment": {
      const deployment = deploymentObject(fixtures.deployment.deployment, event.id, event.release.commit, event.application.environment, event.createdAt);
      const created = { ...structuredClone(fixtures.deployment), action: "created", deployment, repository: repositoryObject(fixtures.deployment.repository) };
      const status = structuredClone(fixtures.deploymentStatus);
      status.action = "created";
      status.deployment = { ...deployment, updated_at: githubTime(event.finishedAt) };
      status.deployment_status = {
        ...status.deployment_status,
        id: event.id * 10 + 1,
        state: "success",
        environment: event.application.environment,
        created_at: githubTime(event.finishedAt),
        updated_at: githubTime(event.finishedAt),
      };
      status.repository = repositoryObject(status.repository);
      const what = `github deployment ${event.id} ${event.application.environment} ${event.release.label}`;
      return [github("deployment", created, `${what} created`), github("deployment_status", status, `${what} success`)];
    }
  }
}

function github(event: string, body: Json, summary: string): Delivery {
  return { source: "GITHUB", event, deliveryId: randomUUID(), orderingKey: REPOSITORY, body, summary };
}

function repositoryObject(template: Json): Json {
  const [owner, name] = REPOSITORY.split("/") as [string, string];
  return {
    ...structuredClone(template),
    name,
    full_name: REPOSITORY,
    html_url: `https://github.com/${REPOSITORY}`,
    url: `https://api.github.com/repos/${REPOSITORY}`,
    default_branch: "main",
    owner: { ...template.owner, login: owner, name: owner },
  };
}

function pushPayload(history: History, template: Json, event: Extract<HistoryEvent, { kind: "push" }>): Json {
  const body = structuredClone(template);
  const commitObject = (sha: string, distinct: boolean): Json => {
    const commit = history.bySha.get(sha)!;
    return {
      ...structuredClone(template.commits[0]),
      id: sha,
      tree_id: shaOf(`tree ${commit.label}`),
      distinct,
      message: commit.message,
      timestamp: githubTime(commit.authoredAt),
      url: `https://github.com/${REPOSITORY}/commit/${sha}`,
    };
  };
  const created = event.before === ZERO_SHA;
  body.ref = event.ref;
  body.before = event.before;
  body.after = event.after;
  body.created = created;
  body.deleted = false;
  body.forced = event.forced;
  body.base_ref = null;
  body.compare = created
    ? `https://github.com/${REPOSITORY}/compare/${event.ref.replace("refs/heads/", "")}`
    : `https://github.com/${REPOSITORY}/compare/${event.before.slice(0, 12)}...${event.after.slice(0, 12)}`;
  body.commits = event.commits.map((listed) => commitObject(listed.sha, listed.distinct));
  const head = event.commits.find((listed) => listed.sha === event.after);
  body.head_commit = commitObject(event.after, head?.distinct ?? false);
  body.repository = repositoryObject(template.repository);
  return body;
}

function pullRequestPayload(template: Json, event: Extract<HistoryEvent, { kind: "pull-request" }>): Json {
  const body = structuredClone(template);
  const pr = body.pull_request;
  const repository = repositoryObject(template.repository);
  body.action = "closed";
  body.number = event.number;
  body.repository = repository;
  Object.assign(pr, {
    number: event.number,
    url: `https://api.github.com/repos/${REPOSITORY}/pulls/${event.number}`,
    html_url: `https://github.com/${REPOSITORY}/pull/${event.number}`,
    title: event.title,
    body: event.body,
    state: "closed",
    merged: true,
    mergeable: null,
    merge_commit_sha: event.mergeCommitSha,
    created_at: githubTime(event.openedAt),
    updated_at: githubTime(event.at),
    closed_at: githubTime(event.at),
    merged_at: githubTime(event.at),
    merged_by: pr.user,
  });
  pr.head = { ...pr.head, label: `${repository.owner.login}:${event.headRef}`, ref: event.headRef, sha: event.headSha, repo: repository };
  pr.base = { ...pr.base, label: `${repository.owner.login}:main`, ref: "main", sha: event.baseSha, repo: repository };
  return body;
}

function deploymentObject(template: Json, id: number, sha: string, environment: string, createdAt: Date): Json {
  return {
    ...structuredClone(template),
    id,
    url: `https://api.github.com/repos/${REPOSITORY}/deployments/${id}`,
    statuses_url: `https://api.github.com/repos/${REPOSITORY}/deployments/${id}/statuses`,
    repository_url: `https://api.github.com/repos/${REPOSITORY}`,
    sha,
    ref: "main",
    environment,
    original_environment: environment,
    created_at: githubTime(createdAt),
    updated_at: githubTime(createdAt),
  };
}

/** Argo CD's view of each application as its syncs go by: the Application object per notification. */
class ArgocdApplications {
  private readonly history = new Map<string, Json[]>();

  constructor(private readonly base: Json) {}

  sync(event: Extract<HistoryEvent, { kind: "sync" }>): Delivery[] {
    const { application, release, from } = event;
    const entries = this.history.get(application.key) ?? [];
    const revision = shaOf(`config ${application.name} ${event.historyId}${event.fails ? " failed" : ""}`);
    const started = event.startedAt.toISOString().replace(/\.\d{3}Z$/, "Z");
    const finished = new Date(event.startedAt.getTime() + SYNC_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
    const images = (running: Release | null) => (running ? [running.imageRef, SIDECAR] : []);
    const operationState = (phase: string, message: string, withResult: boolean): Json => {
      const state = structuredClone(this.base.status.operationState);
      state.phase = phase;
      state.message = message;
      state.startedAt = started;
      state.operation.sync.revision = revision;
      state.operation.initiatedBy = { automated: true };
      if (phase === "Running") delete state.finishedAt;
      else state.finishedAt = finished;
      if (withResult) state.syncResult.revision = revision;
      else delete state.syncResult;
      return state;
    };
    const object = (status: Json, historyEntries: Json[]): Json => {
      const app = this.applicationObject(application);
      app.status = { ...app.status, ...status, history: historyEntries };
      return app;
    };
    const previousRevision = entries.at(-1)?.revision ?? null;
    const running = object(
      {
        operationState: operationState("Running", `waiting for healthy state of apps/Deployment/${application.service}`, false),
        sync: { ...this.base.status.sync, status: "OutOfSync", revision: previousRevision ?? revision },
        health: { status: "Progressing" },
        summary: { images: images(from) },
        reconciledAt: new Date(event.startedAt.getTime() + 5_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
      entries,
    );
    const deliveries = [this.notification(application, "on-sync-running", running, `argocd ${application.name} running ${release.label}`)];
    if (event.fails) {
      const failed = object(
        {
          operationState: operationState("Failed", "one or more objects failed to apply, reason: admission webhook denied the request", false),
          sync: { ...this.base.status.sync, status: "OutOfSync", revision: previousRevision ?? revision },
          health: { status: from ? "Healthy" : "Missing" },
          summary: { images: images(from) },
          reconciledAt: finished,
        },
        entries,
      );
      deliveries.push(this.notification(application, "on-sync-failed", failed, `argocd ${application.name} failed ${release.label}`));
      return deliveries;
    }
    const entry = { ...structuredClone(this.base.status.history.at(-1)), id: event.historyId, revision, deployStartedAt: started, deployedAt: finished };
    const after = [...entries, entry];
    this.history.set(application.key, after);
    const synced = (health: string, reconciledAt: string) =>
      object(
        {
          operationState: operationState("Succeeded", "successfully synced (all tasks run)", true),
          sync: { ...this.base.status.sync, status: "Synced", revision },
          health: { status: health },
          summary: { images: images(release) },
          reconciledAt,
        },
        after,
      );
    const healthyAt = new Date(event.startedAt.getTime() + SYNC_MS + 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    deliveries.push(this.notification(application, "on-sync-succeeded", synced("Progressing", finished), `argocd ${application.name} succeeded ${release.label}`));
    deliveries.push(this.notification(application, "on-deployed", synced("Healthy", healthyAt), `argocd ${application.name} healthy ${release.label}`));
    return deliveries;
  }

  private applicationObject(application: Application): Json {
    const app = structuredClone(this.base);
    app.metadata.name = application.name;
    app.metadata.uid = shaOf(`uid ${application.name}`).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5");
    app.metadata.labels = {
      ...app.metadata.labels,
      "shiplog.io/service": application.service,
      // Label values cannot hold "/": "acme.shop" stands for acme/shop.
      "shiplog.io/repository": REPOSITORY.replace("/", "."),
    };
    app.metadata.ownerReferences[0].name = application.service;
    app.spec.destination.namespace = application.name;
    app.spec.source.path = `instances/${application.environment}`;
    app.spec.source.targetRevision = "main";
    app.spec.source.repoURL = `https://github.com/${REPOSITORY.split("/")[0]}/manifests-shop.git`;
    return app;
  }

  private notification(application: Application, event: string, app: Json, summary: string): Delivery {
    const body = { event, instance: ARGOCD_INSTANCE, app };
    return {
      source: "ARGOCD",
      event,
      deliveryId: deriveArgocdDeliveryId(argocdNotificationOf(body)),
      orderingKey: `${ARGOCD_INSTANCE}/${app.metadata.namespace}/${application.name}`,
      body,
      summary,
    };
  }
}

const argocdNotificationOf = (body: Json) => ({ ...body, app: argocdApplicationSchema.parse(body.app) }) as Parameters<typeof deriveArgocdDeliveryId>[0];

/**
 * The same delivery arriving again: Argo CD's state as the reconciliation poller reports it
 * (event "poll", its own delivery id), or a GitHub or CI delivery sent again under a new id.
 */
export function duplicateOf(delivery: Delivery): Delivery {
  if (delivery.source !== "ARGOCD") return { ...delivery, deliveryId: randomUUID(), summary: `${delivery.summary} (again)` };
  const body: Json = { ...delivery.body, event: "poll" };
  // The poller derives its id as if unreconciled, so a state polled twice is one delivery.
  const identity = deriveArgocdDeliveryId(
    argocdNotificationOf({ ...body, app: { ...body.app, status: { ...body.app.status, reconciledAt: null } } }),
  );
  return { ...delivery, event: "poll", deliveryId: `poll:${identity}`, body, summary: `${delivery.summary} (polled)` };
}
