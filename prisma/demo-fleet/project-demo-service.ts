// The bulk path's projection: turns one demo service's event stream into the rows the domain
// functions would write, in memory, so fleets of millions of deployments load by COPY.
// It reuses the domain's pure decisions (classification, release identity, deployment merge,
// status, application-state supersession) and mirrors its SQL-side steps (release upsert,
// commit-range walk, rollback links, "current release since"). tests/prisma/demo-fleet/
// bulk-load.test.ts proves both paths write the same rows for a small fleet.
import type { ApplicationSnapshot } from "../../lib/argocd/application-snapshot";
import { type ApplicationState, applicationStateOf, supersedes } from "../../lib/applications/merge-application-state";
import { cherryPickedFrom } from "../../lib/commits/cherry-picked-from";
import { inferPushParents } from "../../lib/commits/infer-push-parents";
import { boundedCommitPaths } from "../../lib/commits/record-commits";
import { referencedCommitSha } from "../../lib/commits/reference-trailer";
import { deriveDeploymentStatus } from "../../lib/deployments/derive-deployment-status";
import { type DeploymentFacts, deploymentFactsOf, isTerminalPhase, mergeDeploymentFacts } from "../../lib/deployments/merge-deployment-observation";
import { type Classification, classifyApplication } from "../../lib/fleet/classify-application";
import type { BuildSource, DeploymentStatus, PullRequestState } from "../../lib/generated/prisma/enums";
import { extractTicketKeys } from "../../lib/pull-requests/extract-ticket-keys";
import { identifyRelease } from "../../lib/releases/identify-release";
import { MAX_RANGE } from "../../lib/trace/link-release-commits";
import type { DemoEvent } from "./generate-demo-fleet";

/** Hands out ids per table, like the database's sequences. */
export type IdSource = (table: "services" | "applications" | "releases" | "commits" | "pull_requests" | "builds" | "deployments" | "deployment_events") => number;

/** Ids of the shared topology, created before any service. */
export type Topology = {
  teamId: (slug: string) => number;
  environmentId: (name: string) => number;
  instanceId: (name: string) => number;
  clusterId: (instanceId: number, cluster: Classification["cluster"]) => number;
};

export type ServiceRow = { id: number; name: string; teamId: number | null; repository: string | null; tier: number };
export type CommitRow = {
  id: number; repository: string; sha: string; parentShas: string[] | null; message: string; authorName: string | null; authorLogin: string | null;
  committedAt: Date; referencedSha: string | null; ticketKeys: string[]; cherryPickedFrom: string | null; paths: string[] | null;
};
export type PullRequestRow = { id: number; repository: string; number: number; title: string; authorLogin: string | null; state: PullRequestState; headRef: string | null; baseRef: string | null; mergeCommitSha: string | null; ticketKeys: string[]; url: string | null; openedAt: Date; mergedAt: Date | null; closedAt: Date | null };
export type BuildRow = { id: number; repository: string; commitSha: string; image: string; tag: string; digest: string | null; source: BuildSource; builtAt: Date };
export type ReleaseRow = { id: number; serviceId: number; version: string; firstSeenAt: Date; commitSha: string | null; image: string; imageTag: string | null; imageDigest: string | null; commitsComplete: boolean; commitIds: Set<number>;
  baseReleaseId: number | null; commitsIncompleteReason: string | null };
export type DeploymentRow = DeploymentFacts & {
  id: number; applicationId: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number;
  releaseId: number | null; status: DeploymentStatus; isRollback: boolean; rolledBackById: number | null;
  events: Map<string, { id: number; kind: string; at: Date; detail: string | null }>;
};
export type ApplicationRow = {
  id: number; argoInstanceId: number; namespace: string; name: string; uid: string | null; labels: Record<string, string>;
  serviceId: number; environmentId: number; clusterId: number;
  state: ApplicationState | null; currentReleaseId: number | null; currentReleaseSince: Date | null; lastDeploymentId: number | null;
  deployments: Map<string, DeploymentRow>;
};

export class ServiceProjection {
  services = new Map<string, ServiceRow>();
  commits = new Map<string, CommitRow>();
  pullRequests = new Map<number, PullRequestRow>();
  pullRequestCommits = new Set<string>();
  builds = new Map<string, BuildRow>();
  releases = new Map<string, ReleaseRow>();
  applications = new Map<string, ApplicationRow>();

  constructor(private readonly ids: IdSource, private readonly topology: Topology) {}

  apply(event: DemoEvent): void {
    if (event.kind === "push") this.push(event.push);
    else if (event.kind === "pull-request") this.pullRequest(event.pullRequest);
    else if (event.kind === "build") this.build(event.build);
    else this.snapshot(event.snapshot);
  }

  // ------------------------------------------------------------------ code (recordPush & co.)

  private push(push: Extract<DemoEvent, { kind: "push" }>["push"]): void {
    if (push.commits.length === 0) return;
    const parents = inferPushParents(push);
    push.commits.forEach((commit, index) => {
      const existing = this.commits.get(commit.sha);
      if (existing) {
        existing.parentShas ??= parents[index]!;
        existing.paths ??= boundedCommitPaths(commit.paths);
      } else {
        this.commits.set(commit.sha, {
          id: this.ids("commits"), repository: push.repository, sha: commit.sha, parentShas: parents[index]!, message: commit.message,
          authorName: commit.authorName ?? null, authorLogin: commit.authorLogin ?? null, committedAt: commit.timestamp,
          referencedSha: referencedCommitSha(commit.message) ?? null, ticketKeys: extractTicketKeys(commit.message),
          cherryPickedFrom: cherryPickedFrom(commit.message) ?? null, paths: boundedCommitPaths(commit.paths),
        });
      }
    });
    const shas = new Set(push.commits.map((commit) => commit.sha));
    for (const pr of this.pullRequests.values()) {
      if (pr.mergeCommitSha && shas.has(pr.mergeCommitSha)) this.pullRequestCommits.add(`${pr.id}|${this.commits.get(pr.mergeCommitSha)!.id}`);
    }
  }

  private pullRequest(input: Extract<DemoEvent, { kind: "pull-request" }>["pullRequest"]): void {
    const mergeCommitSha = input.state === "MERGED" ? (input.mergeCommitSha ?? null) : null;
    const existing = this.pullRequests.get(input.number);
    const row: PullRequestRow = {
      id: existing?.id ?? this.ids("pull_requests"), repository: input.repository, number: input.number, title: input.title,
      authorLogin: input.authorLogin ?? null, state: input.state, headRef: input.headRef ?? null, baseRef: input.baseRef ?? null,
      mergeCommitSha, ticketKeys: extractTicketKeys(input.title, input.body, input.headRef), url: input.url ?? null,
      openedAt: input.openedAt, mergedAt: input.mergedAt ?? null, closedAt: input.closedAt ?? null,
    };
    // As the domain path does: a merge is final.
    if (existing?.state === "MERGED") Object.assign(row, { state: existing.state, mergeCommitSha: existing.mergeCommitSha, mergedAt: existing.mergedAt, closedAt: existing.closedAt });
    this.pullRequests.set(input.number, row);
    const commit = mergeCommitSha ? this.commits.get(mergeCommitSha) : undefined;
    if (commit) this.pullRequestCommits.add(`${row.id}|${commit.id}`);
  }

  private build(input: Extract<DemoEvent, { kind: "build" }>["build"]): void {
    const key = `${input.image}|${input.tag}`;
    this.builds.set(key, {
      id: this.builds.get(key)?.id ?? this.ids("builds"), repository: input.repository, commitSha: input.commitSha, image: input.image,
      tag: input.tag, digest: input.digest ?? null, source: input.source, builtAt: input.builtAt,
    });
    if (input.service) {
      const service = this.services.get(input.service);
      if (service && service.repository === null) service.repository = input.repository;
    }
    for (const release of this.releases.values()) {
      if (release.image === input.image && release.imageTag === input.tag && release.commitSha === null) {
        release.commitSha = input.commitSha;
      }
    }
  }

  // ------------------------------------------------------------------ releases and ranges

  /**
   * Links every release's range (lib/trace/link-release-commits.ts, mirrored): the domain path
   * relinks as evidence arrives and ends where linking every release changes nothing more, so
   * the projection links until nothing changes. Call once, after the last event.
   */
  linkReleases(): void {
    const releases = [...this.releases.values()].filter((release) => release.commitSha !== null).sort((a, b) => a.id - b.id);
    const byId = new Map(releases.map((release) => [release.id, release]));
    const byCommit = new Map<string, ReleaseRow[]>();
    for (const release of releases) byCommit.set(release.commitSha!, [...(byCommit.get(release.commitSha!) ?? []), release]);
    // Which releases list each commit: "is this commit in the base's history" without a set of it.
    const addedBy = new Map<number, Set<ReleaseRow>>();
    for (const release of releases) for (const id of release.commitIds) addedBy.set(id, (addedBy.get(id) ?? new Set()).add(release));
    for (let pass = 0; pass < 20; pass += 1) {
      let changed = false;
      for (const release of releases) changed = this.linkRelease(release, byId, byCommit, addedBy) || changed;
      if (!changed) return;
    }
  }

  private findBase(release: ReleaseRow, byCommit: Map<string, ReleaseRow[]>): ReleaseRow | null {
    const newestFirst = (a: ReleaseRow, b: ReleaseRow) => b.firstSeenAt.getTime() - a.firstSeenAt.getTime() || (a.version < b.version ? 1 : a.version > b.version ? -1 : 0);
    const builtFrom = (sha: string) => (byCommit.get(sha) ?? []).filter((other) => other !== release);
    const firstSeen = (a: ReleaseRow, b: ReleaseRow) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0);
    const sameCommit = builtFrom(release.commitSha!)
      .filter((other) => other.firstSeenAt < release.firstSeenAt || (other.firstSeenAt.getTime() === release.firstSeenAt.getTime() && other.version < release.version))
      .sort(firstSeen);
    if (sameCommit[0]) return sameCommit[0];
    // The first-parent line, to the first commit another release was built from.
    let sha = this.commits.get(release.commitSha!)?.parentShas?.[0];
    for (let depth = 1; sha !== undefined && depth <= MAX_RANGE; depth += 1) {
      const built = builtFrom(sha).sort(firstSeen);
      if (built[0]) return built[0];
      sha = this.commits.get(sha)?.parentShas?.[0];
    }
    // Any other path: the newest release met first.
    const head = this.commits.get(release.commitSha!);
    if (!head) return null;
    const met: ReleaseRow[] = [];
    const seen = new Set([head.sha]);
    let frontier = [head];
    let walked = 1;
    while (frontier.length > 0 && walked < MAX_RANGE) {
      const next: CommitRow[] = [];
      for (const commit of frontier) {
        for (const parentSha of commit.parentShas ?? []) {
          const parent = this.commits.get(parentSha);
          if (!parent || seen.has(parentSha)) continue;
          seen.add(parentSha);
          walked += 1;
          const built = builtFrom(parentSha);
          if (built.length > 0) met.push(...built);
          else next.push(parent);
        }
      }
      frontier = next;
    }
    return met.sort(newestFirst)[0] ?? null;
  }

  /** Links one release; true when its range, base or completeness changed. */
  private linkRelease(release: ReleaseRow, byId: Map<number, ReleaseRow>, byCommit: Map<string, ReleaseRow[]>, addedBy: Map<number, Set<ReleaseRow>>): boolean {
    const base = this.findBase(release, byCommit);
    const chain = new Set<ReleaseRow>();
    for (let link: ReleaseRow | null = base; link !== null && !chain.has(link); link = link.baseReleaseId === null ? null : byId.get(link.baseReleaseId)!) chain.add(link);
    const inBaseHistory = (commitId: number) => [...(addedBy.get(commitId) ?? [])].some((adder) => chain.has(adder));
    const head = this.commits.get(release.commitSha!);
    const walked: CommitRow[] = [];
    if (head && head.sha !== base?.commitSha) {
      const seen = new Set([head.sha]);
      walked.push(head);
      for (let index = 0; index < walked.length && walked.length <= MAX_RANGE; index += 1) {
        for (const parentSha of walked[index]!.parentShas ?? []) {
          const parent = this.commits.get(parentSha);
          if (!parent || seen.has(parentSha) || parentSha === base?.commitSha || inBaseHistory(parent.id)) continue;
          seen.add(parentSha);
          walked.push(parent);
        }
      }
    }
    const added = walked.slice(0, MAX_RANGE);
    const truncated = walked.length > MAX_RANGE;
    const min = (values: string[]) => values.sort()[0];
    const unknownParents = min(walked.filter((commit) => commit.parentShas === null).map((commit) => commit.sha));
    const missingParent = min(walked.flatMap((commit) => (commit.parentShas ?? []).filter((parent) => !this.commits.has(parent))));
    const reason = !head
      ? `commit ${release.commitSha!.slice(0, 12)} has not been received yet (no push or comparison listed it)`
      : truncated
        ? `more than ${MAX_RANGE} commits since ${base === null ? "the oldest known commit" : "the base release"}: the newest ${MAX_RANGE} are listed`
        : unknownParents !== undefined
          ? `the parents of ${unknownParents.slice(0, 12)} are not known (the first commit of a new branch or of a forced push)`
          : missingParent !== undefined
            ? `history before ${missingParent.slice(0, 12)} has not been received`
            : null;
    const commitIds = new Set(added.map((commit) => commit.id));
    const changed =
      release.baseReleaseId !== (base?.id ?? null) ||
      release.commitsIncompleteReason !== reason ||
      commitIds.size !== release.commitIds.size ||
      [...commitIds].some((id) => !release.commitIds.has(id));
    for (const id of release.commitIds) addedBy.get(id)?.delete(release);
    for (const id of commitIds) addedBy.set(id, (addedBy.get(id) ?? new Set()).add(release));
    Object.assign(release, { baseReleaseId: base?.id ?? null, commitIds, commitsComplete: reason === null, commitsIncompleteReason: reason });
    return changed;
  }

  private resolveReleaseCommit(identity: NonNullable<ReturnType<typeof identifyRelease>>, configRevision: string | null, repository: string | null): string | null {
    if (identity.shaFromTag?.length === 40) return identity.shaFromTag;
    const built = identity.tag ? this.builds.get(`${identity.image}|${identity.tag}`) : undefined;
    if (built) return built.commitSha;
    if (identity.shaFromTag) {
      const prefix = identity.shaFromTag;
      const matches = new Set([...this.commits.values()].filter((c) => c.sha.startsWith(prefix) && (repository === null || c.repository === repository)).map((c) => c.sha));
      if (matches.size === 1) return [...matches][0]!;
    }
    const config = configRevision ? this.commits.get(configRevision) : undefined;
    return config?.referencedSha ?? null;
  }

  private release(service: ServiceRow, classification: Classification, images: string[], configRevision: string | null, seenAt: Date): ReleaseRow | null {
    const identity = identifyRelease(classification.service, images);
    if (!identity) return null;
    const existing = this.releases.get(identity.version);
    const commitSha = existing?.commitSha ?? this.resolveReleaseCommit(identity, configRevision, classification.repository ?? null);
    if (existing) {
      if (seenAt < existing.firstSeenAt) existing.firstSeenAt = seenAt;
      existing.commitSha ??= commitSha;
      existing.imageDigest ??= identity.digest ?? null;
      return existing;
    }
    const row: ReleaseRow = {
      id: this.ids("releases"), serviceId: service.id, version: identity.version, firstSeenAt: seenAt, commitSha,
      image: identity.image, imageTag: identity.tag ?? null, imageDigest: identity.digest ?? null, commitsComplete: false, commitIds: new Set(),
      baseReleaseId: null, commitsIncompleteReason: null,
    };
    this.releases.set(identity.version, row);
    return row;
  }

  // ------------------------------------------------------------------ applications (recordApplicationSnapshot)

  private serviceRow(classification: Classification): ServiceRow {
    const teamId = classification.team ? this.topology.teamId(classification.team) : undefined;
    let service = this.services.get(classification.service);
    if (!service) {
      service = { id: this.ids("services"), name: classification.service, teamId: teamId ?? null, repository: classification.repository ?? null, tier: classification.tier ?? 2 };
      this.services.set(service.name, service);
    } else {
      if (teamId !== undefined) service.teamId = teamId;
      if (classification.repository) service.repository = classification.repository;
      if (classification.tier !== undefined) service.tier = classification.tier;
    }
    return service;
  }

  private snapshot(snapshot: ApplicationSnapshot): void {
    const classification = classifyApplication(snapshot);
    const service = this.serviceRow(classification);
    const instanceId = this.topology.instanceId(snapshot.instance);
    const environmentId = this.topology.environmentId(classification.environment);
    const clusterId = this.topology.clusterId(instanceId, classification.cluster);
    const key = `${instanceId}|${snapshot.namespace}|${snapshot.name}`;
    let app = this.applications.get(key);
    if (!app) {
      app = {
        id: this.ids("applications"), argoInstanceId: instanceId, namespace: snapshot.namespace, name: snapshot.name, uid: null, labels: {},
        serviceId: service.id, environmentId, clusterId, state: null, currentReleaseId: null, currentReleaseSince: null, lastDeploymentId: null,
        deployments: new Map(),
      };
      this.applications.set(key, app);
    }
    Object.assign(app, { uid: snapshot.uid ?? null, labels: snapshot.labels, serviceId: service.id, environmentId, clusterId });

    const incoming = deploymentFactsOf(snapshot);
    if (incoming) this.deployment(app, service, classification, snapshot, incoming);

    const state = applicationStateOf(snapshot);
    if (!supersedes(app.state, state)) {
      // As the domain path does: a late observation still records the release it saw running.
      if (state.images.length > 0) this.release(service, classification, state.images, state.syncedRevision, snapshot.operation?.startedAt ?? snapshot.observedAt);
      return;
    }
    const release = state.images.length
      ? this.release(service, classification, state.images, state.syncedRevision, snapshot.operation?.startedAt ?? snapshot.observedAt)
      : null;
    app.state = state;
    app.currentReleaseId = release?.id ?? null;
    const history = [...app.deployments.values()].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
    app.lastDeploymentId = history[0]?.id ?? null;
    if (release === null) app.currentReleaseSince = null;
    else {
      const breakAt = history.find((d) => d.releaseId !== release.id && d.phase === "SUCCEEDED")?.startedAt ?? null;
      const run = history.filter((d) => d.releaseId === release.id && (breakAt === null || d.startedAt > breakAt));
      const since = run.map((d) => d.finishedAt ?? d.startedAt).sort((a, b) => a.getTime() - b.getTime())[0];
      app.currentReleaseSince = since ?? state.observedAt;
    }
  }

  private deployment(app: ApplicationRow, service: ServiceRow, classification: Classification, snapshot: ApplicationSnapshot, incoming: DeploymentFacts): void {
    const existing = app.deployments.get(incoming.operationKey);
    const facts = mergeDeploymentFacts(existing ?? null, incoming);
    const release = facts.phase === "SUCCEEDED" ? this.release(service, classification, facts.images, facts.revision, facts.startedAt) : null;
    const releaseId = release?.id ?? existing?.releaseId ?? null;
    const releaseChanged = releaseId !== null && releaseId !== (existing?.releaseId ?? null);
    const row: DeploymentRow = {
      ...facts,
      id: existing?.id ?? this.ids("deployments"),
      applicationId: app.id, serviceId: service.id, teamId: service.teamId, environmentId: app.environmentId, clusterId: app.clusterId,
      releaseId, status: deriveDeploymentStatus({ ...facts, rolledBackById: existing?.rolledBackById ?? null }),
      isRollback: existing?.isRollback ?? false, rolledBackById: existing?.rolledBackById ?? null, events: existing?.events ?? new Map(),
    };
    app.deployments.set(facts.operationKey, row);
    const operation = snapshot.operation!;
    const events = [{ kind: "sync-running", at: operation.startedAt, detail: operation.initiatedBy ? `by ${operation.initiatedBy}` : "automated" }];
    if (operation.finishedAt && isTerminalPhase(operation.phase)) events.push({ kind: `sync-${operation.phase.toLowerCase()}`, at: operation.finishedAt, detail: operation.message ?? null as unknown as string });
    if (isTerminalPhase(operation.phase)) events.push({ kind: `health-${snapshot.health.status.toLowerCase()}`, at: snapshot.observedAt, detail: snapshot.health.message ?? null as unknown as string });
    for (const event of events) {
      const eventKey = `${event.kind}|${event.at.toISOString()}`;
      if (!row.events.has(eventKey)) row.events.set(eventKey, { id: this.ids("deployment_events"), kind: event.kind, at: event.at, detail: event.detail ?? null });
    }
    if (releaseChanged) this.relinkRollbacks(app, facts.startedAt);
  }

  /** The previous deployment with a release, this one, and the next: rollback links between neighbours. */
  private relinkRollbacks(app: ApplicationRow, around: Date): void {
    const withRelease = [...app.deployments.values()].filter((d) => d.releaseId !== null).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const before = withRelease.filter((d) => d.startedAt < around).slice(-1);
    const after = withRelease.filter((d) => d.startedAt >= around).slice(0, 2);
    const window = [...before, ...after];
    const firstSeen = (d: DeploymentRow) => [...this.releases.values()].find((r) => r.id === d.releaseId)!.firstSeenAt;
    for (let index = 1; index < window.length; index += 1) {
      const previous = window[index - 1]!;
      const next = window[index]!;
      const isRollback = previous.releaseId !== next.releaseId && firstSeen(next) < firstSeen(previous);
      next.isRollback = isRollback;
      const rolledBackById = isRollback ? next.id : null;
      if (previous.rolledBackById !== rolledBackById) {
        previous.rolledBackById = rolledBackById;
        previous.status = deriveDeploymentStatus(previous);
      }
    }
  }
}
