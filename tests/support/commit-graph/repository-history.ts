// A small repository's history, played out from a list of steps (generate-history-steps.ts):
// commits on main, pull requests merged three ways, force-pushes, release branches with
// cherry-picks, releases of one or two services and their deployments. The result is the true
// commit graph (every parent) plus the timeline of what GitHub, CI and Argo CD saw, from which
// render-deliveries.ts builds the webhook deliveries and reachability-oracle.ts the answers.
//
// Every step is valid after any other (a step that cannot apply does nothing), so fast-check
// can shrink a failing list of steps by dropping any of them.
import { createHash } from "node:crypto";

export const REPOSITORY = "acme/shop";
/** Two services built from the one repository; GitHub deployments belong to the first (named like the repository). */
export const SERVICES = ["shop", "shop-worker"] as const;
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
/** Ticket keys some messages and pull requests carry; "PLAT-1" is a prefix of "PLAT-12" on purpose. */
export const TICKETS = ["PLAT-1", "PLAT-12", "OPS-7"] as const;
export const ZERO_SHA = "0".repeat(40);
export const ARGOCD_CLUSTER = "gke-alpha-01-europe-west1";
export const GITHUB_CLUSTER = "github";

export type Service = (typeof SERVICES)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type TicketIndex = 0 | 1 | 2;
export type MergeStyle = "merge" | "squash" | "rebase";
/** How a release's image names its commit: a full SHA tag, `sha-<7 hex>` or an image digest (both with a build report). */
export type TagStyle = "full-sha" | "short-sha" | "digest";
export type TicketPlace = "title" | "body" | "branch" | "commit";

export type Step =
  /** Commits pushed straight to main. */
  | { kind: "commit"; count: number; ticket: TicketIndex | null }
  /** A pull request branched `forkBack` first-parent commits below main's head, merged into main. */
  | { kind: "pull-request"; style: MergeStyle; count: number; forkBack: number; ticket: { key: TicketIndex; place: TicketPlace } | null }
  /** main reset to its first-parent ancestor `drop` commits back, pushed with --force. */
  | { kind: "force-push"; drop: number }
  /** A release branch created at main's first-parent ancestor `back` commits below its head. */
  | { kind: "release-branch"; back: number }
  /** The newest release branch gets a cherry-pick of one of main's commits it lacks. */
  | { kind: "cherry-pick"; pick: number }
  /** A release of `service` cut at the head of main or of the newest release branch, synced at once to `deployTo` (an environment index). */
  | { kind: "release"; service: 0 | 1; from: "main" | "release-branch"; tag: TagStyle; deployTo: number | null }
  /** Argo CD syncs release number `release` (modulo those cut) to the service's application in `environment`. */
  | { kind: "deploy"; release: number; environment: number; fails: boolean }
  /** A GitHub deployment (deployment + success) of a release of the first service already running somewhere. */
  | { kind: "github-deploy"; release: number; environment: number };

export type Commit = {
  sha: string;
  /** Short name for reports: m… main, f… feature, M… merge, S… squash, R… rebased, cp… cherry-pick. */
  label: string;
  parents: string[];
  message: string;
  authoredAt: Date;
};

export type Release = {
  /** `service@commit-label` plus the tag style when not a full SHA. */
  label: string;
  service: Service;
  commit: string;
  tag: TagStyle;
  /** The reference Argo CD reports in status.summary.images. */
  imageRef: string;
  /** The image without tag or digest. */
  image: string;
  /** What the product names the release (lib/releases/identify-release.ts: the tag, else 12 hex of the digest). */
  version: string;
  /** CI's build report, when the image does not name its commit. */
  build: { tag: string; digest: string | null } | null;
};

export type Application = {
  /** `cluster/name`, as findCommitLocations reports it. */
  key: string;
  name: string;
  service: Service;
  environment: Environment;
  source: "argocd" | "github";
};

export type PushEvent = {
  kind: "push";
  at: Date;
  ref: string;
  before: string;
  after: string;
  forced: boolean;
  /** before..after, parents first (GitHub's order); distinct false when pushed to another branch before. */
  commits: { sha: string; distinct: boolean }[];
};

export type PullRequestEvent = {
  kind: "pull-request";
  at: Date;
  number: number;
  style: MergeStyle;
  title: string;
  body: string;
  headRef: string;
  headSha: string;
  /** main's head when it merged. */
  baseSha: string;
  mergeCommitSha: string;
  openedAt: Date;
  /** The commits of the pull request's branch (for the ticket oracle's upper bound). */
  branchCommits: string[];
};

export type BuildEvent = { kind: "build"; at: Date; release: Release };

export type SyncEvent = {
  kind: "sync";
  application: Application;
  release: Release;
  /** The release running before (Argo CD reports its images until the sync has finished). */
  from: Release | null;
  /** Argo CD's history id this sync adds (when it succeeds). */
  historyId: number;
  startedAt: Date;
  finishedAt: Date;
  fails: boolean;
};

export type GithubDeploymentEvent = {
  kind: "github-deployment";
  id: number;
  application: Application;
  release: Release;
  createdAt: Date;
  finishedAt: Date;
};

export type HistoryEvent = PushEvent | PullRequestEvent | BuildEvent | SyncEvent | GithubDeploymentEvent;

export type History = {
  steps: Step[];
  /** Every commit, in creation order. */
  commits: Commit[];
  bySha: Map<string, Commit>;
  /** What happened, in order: pushes, merges, builds, syncs, GitHub deployments. */
  events: HistoryEvent[];
  releases: Release[];
  applications: Application[];
};

const t0 = new Date("2026-03-10T09:00:00.000Z");
const STEP_MS = 10 * 60_000;
export const SYNC_MS = 2 * 60_000;

export const shaOf = (text: string) => createHash("sha1").update(`${REPOSITORY} ${text}`).digest("hex");
const digestOf = (text: string) => `sha256:${createHash("sha256").update(`${REPOSITORY} image ${text}`).digest("hex")}`;
export const imageOf = (service: Service) => `europe-west1-docker.pkg.dev/acme/images/${service}`;

export function argocdApplication(service: Service, environment: Environment): Application {
  const name = `${service}-${environment}`;
  return { key: `${ARGOCD_CLUSTER}/${name}`, name, service, environment, source: "argocd" };
}

/** GitHub deployments: one application per repository and environment, of the service named like the repository. */
export function githubApplication(environment: Environment): Application {
  return { key: `${GITHUB_CLUSTER}/${environment}`, name: environment, service: SERVICES[0], environment, source: "github" };
}

/** Plays `steps` out from an initial push of two commits to main. */
export function buildHistory(steps: Step[]): History {
  const commits: Commit[] = [];
  const bySha = new Map<string, Commit>();
  const events: HistoryEvent[] = [];
  const releases: Release[] = [];
  const applications = new Map<string, Application>();
  /** Commits some push already carried (a later push lists them with distinct: false). */
  const pushed = new Set<string>();
  /** main's first-parent chain, root first. */
  let mainLine: string[] = [];
  let releaseBranch: { ref: string; head: string } | null = null;
  let releaseBranches = 0;
  let clock = t0.getTime();
  const counters = { main: 0, pullRequest: 0, cherryPick: 0, deployment: 0 };
  const running = new Map<string, Release>();
  const historyIds = new Map<string, number>();
  /** Releases a successful Argo CD sync has shown (GitHub deployments only follow those). */
  const seen = new Set<Release>();

  const at = (offsetMs = 0) => new Date(clock + offsetMs);
  const commit = (label: string, parents: string[], message: string, authoredAt = at()): Commit => {
    const created = { sha: shaOf(label), label, parents, message, authoredAt };
    commits.push(created);
    bySha.set(created.sha, created);
    return created;
  };
  const ancestors = (sha: string): Set<string> => {
    const found = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (found.has(next)) continue;
      found.add(next);
      stack.push(...bySha.get(next)!.parents);
    }
    return found;
  };
  /** GitHub's commits[]: before..after, parents before children, older first among unrelated ones. */
  const push = (ref: string, before: string, after: string, forced = false) => {
    // A new branch lists only the commits no branch carried before (none when created at an existing commit).
    const reachableFromBefore = before === ZERO_SHA ? pushed : ancestors(before);
    const reachableFromAfter = ancestors(after);
    const range = commits.filter((candidate) => !reachableFromBefore.has(candidate.sha) && reachableFromAfter.has(candidate.sha));
    // Creation order already lists parents before children.
    events.push({
      kind: "push",
      at: at(),
      ref,
      before,
      after,
      forced,
      commits: range.map((listed) => ({ sha: listed.sha, distinct: !pushed.has(listed.sha) })),
    });
    for (const listed of range) pushed.add(listed.sha);
  };
  /** Argo CD syncs `release` to its service's application in environment `environment` (an index). */
  const sync = (release: Release, environment: number, fails: boolean) => {
    const application = argocdApplication(release.service, ENVIRONMENTS[environment % ENVIRONMENTS.length]!);
    applications.set(application.key, application);
    const historyId = (historyIds.get(application.key) ?? 0) + (fails ? 0 : 1);
    historyIds.set(application.key, historyId);
    events.push({
      kind: "sync",
      application,
      release,
      from: running.get(application.key) ?? null,
      historyId,
      startedAt: at(),
      finishedAt: at(SYNC_MS),
      fails,
    });
    if (!fails) {
      running.set(application.key, release);
      seen.add(release);
    }
  };
  const head = () => mainLine.at(-1)!;
  const mainCommit = (message: (label: string) => string) => {
    counters.main += 1;
    const label = `m${counters.main}`;
    const created = commit(label, mainLine.length > 0 ? [head()] : [], message(label));
    mainLine.push(created.sha);
    return created;
  };

  // The repository starts with two commits on main, pushed as the branch's creation.
  mainCommit(() => "Initial commit");
  clock += 1000;
  mainCommit((label) => `Change ${label}`);
  push("refs/heads/main", ZERO_SHA, head());

  for (const step of steps) {
    clock += STEP_MS;
    switch (step.kind) {
      case "commit": {
        const before = head();
        for (let index = 0; index < step.count; index += 1) {
          clock += 1000;
          mainCommit((label) => (step.ticket === null ? `Change ${label}` : `${TICKETS[step.ticket]}: change ${label}`));
        }
        push("refs/heads/main", before, head());
        break;
      }
      case "pull-request": {
        counters.pullRequest += 1;
        const number = counters.pullRequest;
        const key = step.ticket ? TICKETS[step.ticket.key] : null;
        const where = step.ticket?.place;
        const title = where === "title" ? `${key} feature ${number}` : `Feature ${number}`;
        const body = where === "body" ? `Implements ${key}.` : "Implements the feature.";
        const headRef = where === "branch" ? `feature/${key!.toLowerCase()}-work${number}` : `feature/work${number}`;
        const fork = mainLine[Math.max(0, mainLine.length - 1 - step.forkBack)]!;
        const openedAt = at();
        // The branch is created at its fork point (nothing new), then its commits are pushed.
        push(`refs/heads/${headRef}`, ZERO_SHA, fork);
        const branch: Commit[] = [];
        for (let index = 1; index <= step.count; index += 1) {
          clock += 1000;
          const message = where === "commit" && index === 1 ? `${key}: work ${number}.${index}` : `Work ${number}.${index}`;
          branch.push(commit(`f${number}.${index}`, [branch.at(-1)?.sha ?? fork], message));
        }
        push(`refs/heads/${headRef}`, fork, branch.at(-1)!.sha);
        clock += 60_000;
        const before = head();
        let mergeCommit: Commit;
        if (step.style === "merge") {
          // GitHub's merge: first parent main, second the pull request's head.
          mergeCommit = commit(`M${number}`, [before, branch.at(-1)!.sha], `Merge pull request #${number} from ${REPOSITORY.split("/")[0]}/${headRef}\n\n${title}`);
          mainLine.push(mergeCommit.sha);
        } else if (step.style === "squash") {
          mergeCommit = commit(`S${number}`, [before], `${title} (#${number})`);
          mainLine.push(mergeCommit.sha);
        } else {
          // Rebase merge: each commit re-created on main, keeping its message and author date.
          let parent = before;
          for (const original of branch) {
            const rebased = commit(`R${original.label.slice(1)}`, [parent], original.message, original.authoredAt);
            mainLine.push(rebased.sha);
            parent = rebased.sha;
          }
          mergeCommit = bySha.get(parent)!;
        }
        push("refs/heads/main", before, head());
        events.push({
          kind: "pull-request",
          at: at(),
          number,
          style: step.style,
          title,
          body,
          headRef,
          headSha: branch.at(-1)!.sha,
          baseSha: before,
          mergeCommitSha: mergeCommit.sha,
          openedAt,
          branchCommits: branch.map((created) => created.sha),
        });
        break;
      }
      case "force-push": {
        // Keeps at least the initial commit.
        if (mainLine.length <= step.drop) break;
        const before = head();
        mainLine = mainLine.slice(0, mainLine.length - step.drop);
        push("refs/heads/main", before, head(), true);
        break;
      }
      case "release-branch": {
        releaseBranches += 1;
        const base = mainLine[Math.max(0, mainLine.length - 1 - step.back)]!;
        releaseBranch = { ref: `refs/heads/release/${releaseBranches}`, head: base };
        push(releaseBranch.ref, ZERO_SHA, base);
        break;
      }
      case "cherry-pick": {
        if (!releaseBranch) break;
        const onBranch = ancestors(releaseBranch.head);
        const pickedAlready = new Set(
          [...onBranch].map((sha) => /\(cherry picked from commit ([0-9a-f]{40})\)/.exec(bySha.get(sha)!.message)?.[1]).filter(Boolean),
        );
        const candidates = mainLine.filter((sha) => !onBranch.has(sha) && !pickedAlready.has(sha) && bySha.get(sha)!.parents.length === 1);
        if (candidates.length === 0) break;
        const original = bySha.get(candidates[step.pick % candidates.length]!)!;
        counters.cherryPick += 1;
        const picked = commit(
          `cp${counters.cherryPick}`,
          [releaseBranch.head],
          `${original.message}\n\n(cherry picked from commit ${original.sha})`,
          original.authoredAt,
        );
        push(releaseBranch.ref, releaseBranch.head, picked.sha);
        releaseBranch.head = picked.sha;
        break;
      }
      case "release": {
        const service = SERVICES[step.service];
        const sha = step.from === "main" || !releaseBranch ? head() : releaseBranch.head;
        const label = `${service}@${bySha.get(sha)!.label}${step.tag === "full-sha" ? "" : `(${step.tag})`}`;
        const known = releases.find((release) => release.label === label);
        if (known) {
          if (step.deployTo !== null) sync(known, step.deployTo, false);
          break;
        }
        const image = imageOf(service);
        let release: Release;
        if (step.tag === "full-sha") {
          release = { label, service, commit: sha, tag: step.tag, image, imageRef: `${image}:${sha}`, version: sha, build: null };
        } else if (step.tag === "short-sha") {
          const tag = `sha-${sha.slice(0, 7)}`;
          release = { label, service, commit: sha, tag: step.tag, image, imageRef: `${image}:${tag}`, version: tag, build: { tag, digest: null } };
        } else {
          // Pinned by digest; CI reported which commit the image's build tag came from.
          const digest = digestOf(label);
          release = {
            label,
            service,
            commit: sha,
            tag: step.tag,
            image,
            imageRef: `${image}@${digest}`,
            version: digest.slice("sha256:".length, "sha256:".length + 12),
            build: { tag: `build-${releases.length + 1}`, digest },
          };
        }
        releases.push(release);
        if (release.build) events.push({ kind: "build", at: at(), release });
        if (step.deployTo !== null) {
          clock += 60_000;
          sync(release, step.deployTo, false);
        }
        break;
      }
      case "deploy": {
        if (releases.length === 0) break;
        sync(releases[step.release % releases.length]!, step.environment, step.fails);
        break;
      }
      case "github-deploy": {
        const candidates = releases.filter((release) => release.service === SERVICES[0] && seen.has(release));
        if (candidates.length === 0) break;
        counters.deployment += 1;
        const application = githubApplication(ENVIRONMENTS[step.environment % ENVIRONMENTS.length]!);
        applications.set(application.key, application);
        events.push({
          kind: "github-deployment",
          id: 1000 + counters.deployment,
          application,
          release: candidates[step.release % candidates.length]!,
          createdAt: at(),
          finishedAt: at(SYNC_MS),
        });
        break;
      }
    }
  }
  return { steps, commits, bySha, events, releases, applications: [...applications.values()] };
}

/** The history as text for a failure report: commits with parents, then what happened. */
export function describeHistory(history: History): string {
  const label = (sha: string) => history.bySha.get(sha)?.label ?? (sha === ZERO_SHA ? "0" : sha.slice(0, 7));
  const lines = ["commits (label sha7 <- parents: message):"];
  for (const commit of history.commits) {
    lines.push(`  ${commit.label} ${commit.sha.slice(0, 7)} <- ${commit.parents.map(label).join(",") || "(root)"}: ${JSON.stringify(commit.message)}`);
  }
  lines.push("events:");
  for (const event of history.events) {
    switch (event.kind) {
      case "push":
        lines.push(
          `  push ${event.ref.replace("refs/heads/", "")} ${label(event.before)}..${label(event.after)}${event.forced ? " (forced)" : ""}: ` +
            `[${event.commits.map((listed) => `${label(listed.sha)}${listed.distinct ? "" : "*"}`).join(" ")}]`,
        );
        break;
      case "pull-request":
        lines.push(`  pull request #${event.number} merged (${event.style}) as ${label(event.mergeCommitSha)}, head ${label(event.headSha)}, branch ${event.headRef}, title ${JSON.stringify(event.title)}, body ${JSON.stringify(event.body)}`);
        break;
      case "build":
        lines.push(`  build report ${event.release.label}: ${event.release.image}:${event.release.build!.tag}${event.release.build!.digest ? ` ${event.release.build!.digest.slice(0, 19)}…` : ""}`);
        break;
      case "sync":
        lines.push(`  ${event.startedAt.toISOString().slice(11, 16)} argocd ${event.application.name}: ${event.from?.label ?? "(nothing)"} -> ${event.release.label}${event.fails ? " FAILED" : ""}`);
        break;
      case "github-deployment":
        lines.push(`  ${event.createdAt.toISOString().slice(11, 16)} github deployment ${event.id} ${event.application.name}: ${event.release.label}`);
        break;
    }
  }
  lines.push("(* = listed with distinct: false)");
  return lines.join("\n");
}
