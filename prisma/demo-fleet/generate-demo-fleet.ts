// A deterministic, realistic fleet history: teams owning services, dev/staging/prod across
// regional clusters managed by several Argo CD instances, ~90 days of releases built from
// pull requests with ticket keys, rolled out environment by environment, with the normal mess:
// failed syncs and retries, degraded rollouts rolled back and hotfixed, health that recovers,
// fleet-wide base-image rollouts, and a few applications degraded or out of sync right now.
//
// It produces the same inputs ingestion produces (pushes, pull requests, build reports, Argo CD
// application snapshots), one service at a time, so seeding drives the real domain functions.
import { createHash } from "node:crypto";
import type { ApplicationSnapshot } from "../../lib/argocd/application-snapshot";
import type { BuildInput } from "../../lib/builds/record-build";
import type { Push } from "../../lib/commits/record-push";
import type { PullRequestInput } from "../../lib/pull-requests/record-pull-request";

export type DemoEvent =
  | { kind: "push"; at: Date; push: Push }
  | { kind: "pull-request"; at: Date; pullRequest: PullRequestInput }
  | { kind: "build"; at: Date; build: BuildInput }
  | { kind: "snapshot"; at: Date; snapshot: ApplicationSnapshot };

export type DemoFleetOptions = {
  services: number;
  /** Spread each service over this many clusters (default: by tier, about four). */
  applicationsPerService?: number;
  /** The end of the history; the demo's "now". */
  now: Date;
  days?: number;
  /** Scales how often services release (1 = the demo's default cadence). */
  cadence?: number;
};

export type DemoService = {
  index: number;
  name: string;
  team: DemoTeam;
  tier: 1 | 2 | 3;
  repository: string;
  image: string;
  shaTags: boolean;
  applications: DemoApplication[];
};

export type DemoTeam = { slug: string; name: string; ticketPrefix: string };
export type DemoCluster = { name: string; environment: string; region: string; provider: string; instance: string; server: string };
export type DemoApplication = { name: string; environment: string; cluster: DemoCluster; autoSync: boolean };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const demoTeams: DemoTeam[] = [
  ["payments", "Payments", "PAY"], ["checkout", "Checkout", "CHK"], ["identity", "Identity", "IAM"],
  ["search", "Search", "SRCH"], ["catalog", "Catalog", "CAT"], ["orders", "Orders", "ORD"],
  ["fulfillment", "Fulfillment", "FUL"], ["notifications", "Notifications", "NTF"], ["platform", "Platform", "PLAT"],
  ["data", "Data Platform", "DATA"], ["growth", "Growth", "GRW"], ["mobile-backend", "Mobile Backend", "MOB"],
  ["risk", "Risk & Fraud", "RISK"], ["pricing", "Pricing", "PRC"], ["support-tools", "Support Tools", "SUP"],
].map(([slug, name, ticketPrefix]) => ({ slug: slug!, name: name!, ticketPrefix: ticketPrefix! }));

const nouns = [
  "api", "gateway", "worker", "service", "scheduler", "indexer", "router", "store", "sync", "bridge",
  "events", "ledger", "engine", "proxy", "cache", "exporter", "importer", "notifier", "resolver", "tracker",
];
const subjects = [
  "account", "billing", "cart", "invoice", "wallet", "payout", "refund", "session", "profile", "token",
  "search", "ranking", "listing", "inventory", "pricing", "quote", "order", "shipment", "label", "carrier",
  "email", "sms", "push", "webhook", "audit", "consent", "fraud", "score", "rule", "limit",
  "feature", "experiment", "report", "metric", "feed", "media", "review", "rating", "coupon", "loyalty",
];
const regions: { region: string; provider: string; geo: "us" | "eu" | "ap" }[] = [
  { region: "us-east-1", provider: "aws", geo: "us" }, { region: "us-west-2", provider: "aws", geo: "us" },
  { region: "eu-west-1", provider: "aws", geo: "eu" }, { region: "eu-central-1", provider: "aws", geo: "eu" },
  { region: "ap-southeast-1", provider: "aws", geo: "ap" }, { region: "europe-west4", provider: "gcp", geo: "eu" },
  { region: "us-central1", provider: "gcp", geo: "us" }, { region: "asia-northeast1", provider: "gcp", geo: "ap" },
];
const people = [
  "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
  "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara", "zoe", "omar", "lena", "kofi",
];
const changes = [
  "Fix race in %s retry loop", "Add %s metrics", "Bump %s client timeout", "Handle empty %s response",
  "Refactor %s validation", "Cache %s lookups", "Upgrade %s dependencies", "Add %s feature flag",
  "Reduce %s memory use", "Log %s failures with context", "Paginate %s listing", "Harden %s input parsing",
];

/** mulberry32: small, fast, deterministic. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const sha = (...parts: (string | number)[]) => createHash("sha1").update(parts.join("|")).digest("hex");

/** ~40 clusters: dev and staging per geo, prod in every region (several in busy ones). */
export function demoClusters(): DemoCluster[] {
  const clusters: DemoCluster[] = [];
  const add = (environment: string, region: (typeof regions)[number], suffix: string) => {
    const name = `${environment}-${region.region}-${suffix}`;
    const instance = environment === "prod" ? `argocd-prod-${region.geo}` : "argocd-nonprod";
    clusters.push({ name, environment, region: region.region, provider: region.provider, instance, server: `https://${name}.k8s.acme.internal` });
  };
  for (const region of regions) {
    if (["us-east-1", "eu-west-1", "ap-southeast-1"].includes(region.region)) {
      add("dev", region, "1");
      add("dev", region, "2");
    }
    add("staging", region, "1");
    for (const suffix of ["a", "b", "c", "d"]) add("prod", region, suffix);
  }
  return clusters;
}

/**
 * The fleet's services. By default a service runs in one dev and one staging cluster and in
 * one to five production clusters by tier; `applicationsPerService` spreads each service over
 * that many clusters instead (for benchmark fleets: 100,000 applications over 5,000 services).
 */
export function demoServices(count: number, options: { applicationsPerService?: number } = {}): DemoService[] {
  const clusters = demoClusters();
  const byEnvironment = (environment: string) => clusters.filter((cluster) => cluster.environment === environment);
  const spread = (environment: string, howMany: number, rand: () => number) => {
    const pool = byEnvironment(environment);
    const start = Math.floor(rand() * pool.length);
    const step = howMany <= pool.length / 5 ? 5 : 1;
    return Array.from({ length: Math.min(howMany, pool.length) }, (_, offset) => pool[(start + offset * step) % pool.length]!);
  };
  const services: DemoService[] = [];
  const used = new Set<string>();
  for (let index = 0; index < count; index += 1) {
    const rand = random(1000 + index);
    let name = `${pick(rand, subjects)}-${pick(rand, nouns)}`;
    if (used.has(name)) name = `${name}-${index}`;
    used.add(name);
    const team = demoTeams[index % demoTeams.length]!;
    const tierRoll = rand();
    const tier: 1 | 2 | 3 = tierRoll < 0.2 ? 1 : tierRoll < 0.7 ? 2 : 3;
    const perService = options.applicationsPerService;
    const preProd = perService === undefined ? 1 : Math.max(1, Math.round(perService * 0.15));
    const prodCount = perService === undefined ? (tier === 1 ? 3 + Math.floor(rand() * 3) : tier === 2 ? 2 : 1) : Math.max(1, perService - 2 * preProd);
    const placements: DemoCluster[] = [...spread("dev", preProd, rand), ...spread("staging", preProd, rand), ...spread("prod", prodCount, rand)];
    services.push({
      index,
      name,
      team,
      tier,
      repository: `acme/${name}`,
      image: `registry.acme.dev/${team.slug}/${name}`,
      shaTags: rand() < 0.5,
      applications: placements.map((cluster) => ({
        name: `${name}-${cluster.environment}-${cluster.name.split("-").slice(1).join("-")}`,
        environment: cluster.environment,
        cluster,
        autoSync: cluster.environment !== "prod" || rand() < 0.6,
      })),
    });
  }
  return services;
}

/** Days on which every service ships a base-image bump, fleet-wide. */
function fleetRolloutDays(days: number): number[] {
  return [Math.floor(days * 0.3), Math.floor(days * 0.75)];
}

type Release = { version: string; tag: string; commitSha: string; at: number; hotfix: boolean };
type Operation = { phase: "RUNNING" | "SUCCEEDED" | "FAILED"; startedAt: number; finishedAt?: number; revision: string; initiatedBy?: string; message?: string };

/** Every event of one service, in time order. */
export function demoServiceEvents(service: DemoService, options: DemoFleetOptions): DemoEvent[] {
  const rand = random(7_000_000 + service.index);
  const days = options.days ?? 90;
  const end = options.now.getTime();
  const begin = end - days * DAY;
  const meanGap = ({ 1: 10, 2: 21, 3: 42 }[service.tier] * DAY) / (options.cadence ?? 1);
  const events: DemoEvent[] = [];
  const emit = (event: DemoEvent) => events.push(event);
  // What each application of this service runs, its last operation, and its Argo CD history ids.
  const currentImages = new Map<string, string[]>();
  const lastOperation = new Map<string, { operation: Operation; images: string[]; historyId: number }>();
  const historyIds = new Map<string, number>();

  // Release times: a jittered cadence plus the fleet-wide rollout days.
  const times: number[] = [];
  for (let at = begin + rand() * meanGap; at < end - 2 * HOUR; at += meanGap * (0.5 + rand())) times.push(at);
  for (const day of fleetRolloutDays(days)) times.push(begin + day * DAY + (2 + rand() * 4) * HOUR);
  times.sort((a, b) => a - b);

  let head = sha(service.repository, "root");
  let prNumber = 100 + Math.floor(rand() * 400);
  let minor = 1;
  let patch = 0;
  const releases: Release[] = [];
  // The history starts with a release already running everywhere.
  const initial = nextRelease(begin - 2 * DAY, false);
  for (const application of service.applications) deploy(application, initial, begin - 2 * DAY + rand() * DAY, "ok");

  for (let index = 0; index < times.length; index += 1) {
    const at = times[index]!;
    const fleetWide = fleetRolloutDays(days).some((day) => Math.abs(begin + day * DAY - at) < DAY);
    const release = nextRelease(at, false, fleetWide ? "Bump base image to distroless 2026.11 (PLAT-1042)" : undefined);
    rollOut(release, at);
  }
  finalState();
  return events.sort((a, b) => a.at.getTime() - b.at.getTime() || order(a) - order(b));

  function order(event: DemoEvent): number {
    return { push: 0, "pull-request": 1, build: 2, snapshot: 3 }[event.kind];
  }

  function nextRelease(at: number, hotfix: boolean, fleetMessage?: string): Release {
    const commitCount = fleetMessage ? 1 : 1 + Math.floor(rand() * 3);
    const before = head;
    const commits: Push["commits"] = [];
    for (let n = 0; n < commitCount; n += 1) {
      prNumber += 1;
      const author = pick(rand, people);
      const ticket = `${fleetMessage ? "PLAT" : service.team.ticketPrefix}-${fleetMessage ? 1042 : 100 + Math.floor(rand() * 4900)}`;
      const title = fleetMessage ?? `${hotfix && n === 0 ? "Hotfix: " : ""}${pick(rand, changes).replace("%s", pick(rand, subjects))}`;
      const mergedAt = at - (commitCount - n) * 40 * 60_000;
      head = sha(service.repository, prNumber, "merge");
      commits.push({ sha: head, message: `${title} (#${prNumber})`, authorName: author, authorLogin: author, timestamp: new Date(mergedAt) });
      emit({
        kind: "pull-request",
        at: new Date(mergedAt),
        pullRequest: {
          repository: service.repository,
          number: prNumber,
          title: fleetMessage ? title : `${ticket}: ${title}`,
          body: `Part of ${ticket}.`,
          authorLogin: author,
          state: "MERGED",
          headRef: `${author}/${ticket.toLowerCase()}-change`,
          baseRef: "main",
          mergeCommitSha: head,
          url: `https://github.com/${service.repository}/pull/${prNumber}`,
          openedAt: new Date(mergedAt - (2 + rand() * 46) * HOUR),
          mergedAt: new Date(mergedAt),
          closedAt: new Date(mergedAt),
        },
      });
    }
    emit({ kind: "push", at: new Date(at - 30 * 60_000), push: { repository: service.repository, before, commits } });
    if (hotfix) patch += 1;
    else {
      minor += 1;
      patch = 0;
    }
    const version = service.shaTags ? head.slice(0, 7) : `v1.${minor}.${patch}`;
    const release: Release = { version, tag: version, commitSha: head, at, hotfix };
    // Build reports for semver tags (the tag alone says nothing); SHA tags speak for themselves.
    if (!service.shaTags || rand() < 0.3) {
      emit({
        kind: "build",
        at: new Date(at - 10 * 60_000),
        build: { repository: service.repository, commitSha: head, image: service.image, tag: release.tag, builtAt: new Date(at - 10 * 60_000), source: "BUILD_REPORT", service: service.name },
      });
    }
    releases.push(release);
    return release;
  }

  /** Dev, then staging, then prod cluster by cluster; a bad prod rollout is rolled back and hotfixed. */
  function rollOut(release: Release, at: number) {
    let t = at;
    for (const application of service.applications.filter((app) => app.environment === "dev")) {
      if (t >= end) return;
      t = deploy(application, release, t, rand() < 0.04 ? "fail-then-retry" : "ok");
    }
    t += (1 + rand() * 3) * HOUR;
    for (const application of service.applications.filter((app) => app.environment === "staging")) {
      if (t >= end) return;
      t = deploy(application, release, t, rand() < 0.03 ? "fail-then-retry" : "ok");
    }
    t += (6 + rand() * 18) * HOUR;
    const prod = service.applications.filter((app) => app.environment === "prod");
    const badRelease = rand() < 0.05;
    for (const [index, application] of prod.entries()) {
      if (t >= end) return;
      if (badRelease && index === 0) {
        t = deploy(application, release, t, "degraded");
        const previous = releases[releases.length - 2];
        if (previous && t + HOUR < end) {
          t = deploy(application, previous, t + 20 * 60_000, "ok", `rollback by ${pick(rand, people)}`);
          const hotfix = nextRelease(t + 6 * HOUR, true);
          if (hotfix.at < end) rollOut(hotfix, hotfix.at);
        }
        return;
      }
      const roll = rand();
      t = deploy(application, release, t, roll < 0.02 ? "degraded-recovers" : roll < 0.05 ? "fail-then-retry" : "ok");
      t += (10 + rand() * 50) * 60_000;
    }
  }

  type Outcome = "ok" | "fail-then-retry" | "degraded" | "degraded-recovers";

  /** One sync operation (two for a failed one and its retry); returns when it ended. */
  function deploy(application: DemoApplication, release: Release, at: number, outcome: Outcome, manualNote?: string): number {
    const manual = manualNote !== undefined || !application.autoSync;
    const initiatedBy = manual ? (manualNote?.replace(/^rollback by /, "") ?? pick(rand, people)) : undefined;
    const previousImages = currentImages.get(application.name) ?? [];
    const configRevision = sha(service.name, application.name, release.version, at);
    const images = [`${service.image}:${release.tag}`, ...sidecars(release)];
    const duration = (1 + rand() * 4) * 60_000;
    if (outcome === "fail-then-retry") {
      snapshot(application, {
        at: at + duration,
        images: previousImages,
        operation: { phase: "FAILED", startedAt: at, finishedAt: at + duration, revision: configRevision, initiatedBy, message: "one or more objects failed to apply, reason: admission webhook denied the request" },
        health: "HEALTHY",
        sync: "OUT_OF_SYNC",
      });
      return deploy(application, release, at + duration + (10 + rand() * 20) * 60_000, "ok");
    }
    // Running, then finished; health follows.
    if (end - at < 3 * HOUR || rand() < 0.05) {
      snapshot(application, { at: at + 5_000, images: previousImages, operation: { phase: "RUNNING", startedAt: at, revision: configRevision, initiatedBy }, health: "PROGRESSING", sync: "OUT_OF_SYNC" });
    }
    const finished = at + duration;
    if (finished >= end) return finished;
    currentImages.set(application.name, images);
    const settled = finished + (1 + rand() * 3) * 60_000;
    const operation: Operation = { phase: "SUCCEEDED", startedAt: at, finishedAt: finished, revision: configRevision, initiatedBy, message: "successfully synced (all tasks run)" };
    const historyId = nextHistoryId(application.name);
    if (outcome === "degraded" || outcome === "degraded-recovers") {
      snapshot(application, { at: settled, images, operation, historyId, health: "DEGRADED", sync: "SYNCED", healthMessage: "Deployment has exceeded its progress deadline" });
      if (outcome === "degraded-recovers" && settled + 30 * 60_000 < end) {
        snapshot(application, { at: settled + (15 + rand() * 40) * 60_000, images, operation, historyId, health: "HEALTHY", sync: "SYNCED" });
      }
    } else {
      snapshot(application, { at: settled, images, operation, historyId, health: "HEALTHY", sync: "SYNCED" });
    }
    lastOperation.set(application.name, { operation, images, historyId });
    return settled;
  }

  function sidecars(release: Release): string[] {
    return service.tier === 1 ? [`registry.acme.dev/platform/envoy:1.3${release.version.length % 3}.2`] : [];
  }

  /** A few applications are degraded or drifted right now, without a new sync. */
  function finalState() {
    for (const application of service.applications) {
      const last = lastOperation.get(application.name);
      if (!last) continue;
      const roll = rand();
      if (roll < 0.015) {
        snapshot(application, { at: end - rand() * HOUR, images: last.images, operation: last.operation, historyId: last.historyId, health: "DEGRADED", sync: "SYNCED", healthMessage: "Back-off restarting failed container" });
      } else if (roll < 0.035) {
        snapshot(application, { at: end - rand() * HOUR, images: last.images, operation: last.operation, historyId: last.historyId, health: "HEALTHY", sync: "OUT_OF_SYNC" });
      }
    }
  }

  function snapshot(
    application: DemoApplication,
    state: {
      at: number;
      images: string[];
      operation: Operation;
      historyId?: number;
      health: ApplicationSnapshot["health"]["status"];
      sync: ApplicationSnapshot["sync"]["status"];
      healthMessage?: string;
    },
  ) {
    const { cluster } = application;
    const operation = state.operation;
    const finished = operation.finishedAt !== undefined && operation.phase === "SUCCEEDED";
    emit({
      kind: "snapshot",
      at: new Date(state.at),
      snapshot: {
        instance: cluster.instance,
        namespace: "argocd",
        name: application.name,
        uid: sha("uid", application.name).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5"),
        labels: {
          "app.kubernetes.io/part-of": service.name,
          team: service.team.slug,
          env: application.environment,
          "topology.kubernetes.io/region": cluster.region,
          provider: cluster.provider,
          "shiplog.io/repository": service.repository.replace("/", "."),
          "shiplog.io/tier": String(service.tier),
        },
        applicationSet: `${service.name}-${application.environment}`,
        project: service.team.slug,
        source: { repoUrl: "https://github.com/acme/deploy-config.git", path: `apps/${service.name}/${application.environment}`, targetRevision: "main" },
        destination: { server: cluster.server, name: cluster.name, namespace: service.name },
        autoSync: application.autoSync,
        sync: { status: state.sync, revision: operation.revision },
        health: { status: state.health, message: state.healthMessage },
        images: state.images,
        operation: {
          phase: operation.phase,
          startedAt: new Date(operation.startedAt),
          finishedAt: operation.finishedAt === undefined ? undefined : new Date(operation.finishedAt),
          revision: operation.revision,
          initiatedBy: operation.initiatedBy,
          automated: operation.initiatedBy === undefined,
          message: operation.message,
        },
        latestHistory: finished && state.historyId !== undefined
          ? { id: state.historyId, revision: operation.revision, deployStartedAt: new Date(operation.startedAt), deployedAt: new Date(operation.finishedAt!) }
          : undefined,
        observedAt: new Date(state.at),
      },
    });
  }

  function nextHistoryId(applicationName: string): number {
    const next = (historyIds.get(applicationName) ?? -1) + 1;
    historyIds.set(applicationName, next);
    return next;
  }
}
