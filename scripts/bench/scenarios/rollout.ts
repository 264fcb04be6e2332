// Fleet-wide rollout: every application of the fleet gets a new release of its service, as when a
// platform team bumps a base image across all services. It starts once the deliveries of earlier
// scenarios (a storm still draining) are applied. First each service's repository gets the
// commit of the bump (a signed GitHub push per service, applied before the rollout starts); then,
// wave by wave (one wave per cluster, the way rollouts go region by region), each application
// sends the three notifications of its sync: on-sync-running (the old images, Progressing),
// on-sync-succeeded (the new images, still Progressing) and on-deployed (Healthy), built on the
// real Application object and sent through POST /api/webhooks/argocd at the storm's fixed rate.
// The new image's tag is the bump commit's full SHA, as CI tags images (sha-<40 hex>).
//
// Reported: the rate the notifications were accepted at; the projection's lag behind them (the
// age of the oldest rollout notification not yet applied, sampled each second while they arrive
// and until the last is applied: p50 and p95); from the last accepted notification, the time
// until every one is applied and until the fleet matrix, the timeline and "where is commit X"
// all show the end state (checked through the API for a sample of services: every cell at the
// new version and healthy; every application's new deployment in the timeline, succeeded; the
// bump commit running on every application of its service); the worker's and PostgreSQL's CPU
// time per notification. No baseline: the issue names none for it.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { identifyRelease } from "../../../lib/releases/identify-release";
import type { CommitLookup } from "../../../lib/trace/commit-lookup-schema";
import { signGithubPayload } from "../../../lib/ingest/accept/verify-github-signature";
import { githubFixtures } from "../../../tests/support/webhooks";
import { percentile } from "../load";
import { processTreeCpuMs } from "../process-cpu";
import type { BenchContext, Measurement, Scenario } from "../scenario";
import { stormFilter } from "../storm";
import { readWebhookTargets, RUN_HEADER, type WebhookTargets } from "../webhook-payloads";

const RATE = 2_000;
/** Requests in flight at once, as the storm scenario sends them. */
const CONNECTIONS = 50;
/** Services whose matrix row, timeline and bump commit are checked (spread over the fleet). */
const SAMPLE = 20;

export const scenario: Scenario = {
  id: "rollout",
  title: "fleet-wide rollout",
  run: async (context) => {
    // From a quiet queue: a storm still draining from the scenario before would count as the rollout's lag.
    const waited = await waitForEmptyQueue(context);
    if (waited > 0) context.log(`  rollout: waited ${waited.toFixed(0)} s for the deliveries of earlier scenarios to be applied`);
    const targets = await readWebhookTargets(context.pool, context.size.applications);
    const runTag = `bench-rollout-${Date.now().toString(36)}`;
    const rollout = await planRollout(context, targets, runTag);
    context.log(`  rollout: ${rollout.services.size} services, ${targets.applications.length} applications, ${rollout.notifications.length} notifications`);

    // A tag of their own: the notifications' filter (`${runTag}-%`) must not count the pushes.
    await pushBumpCommits(context, rollout, runTag.replace("bench-rollout-", "bench-bump-"));

    const cpuBefore = await cpuNow(context);
    const startedAt = new Date();
    const sampler = sampleLag(context, { runTag, startedAt });
    const load = await sendPaced(context, rollout.notifications, (index) => ({
      path: "/api/webhooks/argocd",
      headers: { "user-agent": "argocd-notifications-controller", authorization: `Bearer ${context.webhooks.argocdToken}`, [RUN_HEADER]: `${runTag}-${index}` },
    }));
    const filter = stormFilter({ runTag, startedAt });
    const { rows } = await context.pool.query<{ stored: number; last: Date }>(
      `SELECT count(*)::int AS stored, max(received_at) AS last FROM webhook_deliveries WHERE ${filter.where}`,
      filter.values,
    );
    const { stored, last } = rows[0]!;
    const acceptSeconds = (last.getTime() - startedAt.getTime()) / 1000;
    context.log(`  rollout: ${stored} of ${rollout.notifications.length} notifications stored in ${acceptSeconds.toFixed(1)} s (${load.retried} retried, ${load.failed} failed)`);

    const endState = await waitForEndState(context, rollout, { runTag, startedAt }, last);
    const lag = await sampler.stop();
    const cpu = await cpuSince(context, cpuBefore);
    const per = (ms: number | null) => (ms === null ? null : ms / Math.max(1, stored));
    const limit = context.durations.drainLimitSeconds;
    const shown = (seconds: number | null, instead?: string) =>
      seconds === null ? `not within ${limit} s${instead ? ` (last check: ${instead})` : ""}` : `${seconds.toFixed(1)} s`;
    context.log(
      `  rollout: applied after ${shown(endState.applied)}, matrix ${shown(endState.matrix, endState.waiting.matrix)}, ` +
        `timeline ${shown(endState.timeline, endState.waiting.timeline)}, where-is ${shown(endState.whereIs, endState.waiting.whereIs)}`,
    );

    const scenarioName = "fleet-wide rollout";
    const after = "from the last accepted notification";
    return [
      {
        scenario: scenarioName,
        metric: "notifications accepted",
        unit: "events/s",
        baseline: null,
        shiplog: stored / Math.max(0.001, acceptSeconds),
        target: null,
        note:
          `${stored} of ${rollout.notifications.length} notifications (${targets.applications.length} applications × 3) stored, sent at a fixed ${RATE}/s ` +
          `(${CONNECTIONS} at a time) through POST /api/webhooks/argocd; ${load.retried} answers were 503 and sent again after Retry-After, ${load.failed} never 2xx.`,
      },
      { scenario: scenarioName, metric: "projection lag p50", unit: "s", baseline: null, shiplog: lag.p50, target: null, note: lagNote(lag.samples) },
      { scenario: scenarioName, metric: "projection lag p95", unit: "s", baseline: null, shiplog: lag.p95, target: null, note: lagNote(lag.samples) },
      { scenario: scenarioName, metric: `all applied, ${after}`, unit: "s", baseline: null, shiplog: endState.applied, target: null, note: endState.appliedNote },
      {
        scenario: scenarioName,
        metric: `matrix, timeline and where-is show the end state, ${after}`,
        unit: "s",
        baseline: null,
        shiplog: endState.all,
        target: { op: "<=", value: 300, of: "shiplog" },
        note:
          `Checked through the API for ${rollout.sample.length} services: fleet matrix ${shown(endState.matrix, endState.waiting.matrix)}, ` +
          `timeline ${shown(endState.timeline, endState.waiting.timeline)}, where is the bump commit ${shown(endState.whereIs, endState.waiting.whereIs)}. Target: the issue's 5 minutes for 100,000 applications × 3 notifications.`,
      },
      {
        scenario: scenarioName,
        metric: "worker CPU per notification",
        unit: "ms",
        baseline: null,
        shiplog: per(cpu.workerMs),
        target: null,
        note: `${((cpu.workerMs ?? 0) / 1000).toFixed(1)} s of worker CPU from the first notification until the end state.`,
      },
      {
        scenario: scenarioName,
        metric: "PostgreSQL CPU per notification",
        unit: "ms",
        baseline: null,
        shiplog: per(cpu.databaseMs),
        target: null,
        note:
          cpu.databaseMs === null
            ? "PostgreSQL is not the bench's embedded one (no postmaster.pid under .shiplog/bench-postgres/postgres): not measured."
            : `${(cpu.databaseMs / 1000).toFixed(1)} s of CPU of every PostgreSQL process (the web server's and the bench's reads included).`,
      },
    ] satisfies Measurement[];
  },
};

type Application = WebhookTargets["applications"][number];
type ServiceRollout = { name: string; repository: string; commit: string; image: string; version: string; applications: number };
type Rollout = {
  services: Map<string, ServiceRollout>;
  notifications: string[];
  sample: ServiceRollout[];
  /** When the first wave's syncs started, to the second as the notifications say it: planning and the bump pushes come before sending. */
  firstSyncAt: Date;
};

/** Every application's three notifications, wave by wave (one per cluster). */
async function planRollout(context: BenchContext, targets: WebhookTargets, runTag: string): Promise<Rollout> {
  const real = JSON.parse(await readFile(path.join(context.fixturesDir, "argocd/application-real.json"), "utf8")) as Record<string, any>;
  const { rows } = await context.pool.query<{ namespace: string; name: string; service: string; repository: string | null }>(
    `SELECT a.namespace, a.name, s.name AS service, s.repository FROM applications a JOIN services s ON s.id = a.service_id WHERE a.deleted_at IS NULL`,
  );
  const serviceOf = new Map(rows.map((row) => [`${row.namespace}/${row.name}`, row]));
  const services = new Map<string, ServiceRollout>();
  const waves = new Map<string, { application: Application; service: ServiceRollout }[]>();
  for (const application of targets.applications) {
    const row = serviceOf.get(`${application.namespace}/${application.name}`);
    const current = application.images[0];
    if (!row || !current) continue;
    let service = services.get(row.service);
    if (!service) {
      const commit = hex40(`${runTag} ${row.service}`);
      const image = `${current.slice(0, imageNameEnd(current))}:sha-${commit}`;
      const version = identifyRelease(row.service, [image, ...application.images.slice(1)])?.version ?? `sha-${commit}`;
      service = { name: row.service, repository: row.repository ?? `bench/${row.service}`, commit, image, version, applications: 0 };
      services.set(row.service, service);
    }
    service.applications += 1;
    waves.set(application.cluster, [...(waves.get(application.cluster) ?? []), { application, service }]);
  }
  // After every observation already recorded: a scenario run before this one (the storm) may have
  // stamped its syncs ahead of the clock, and an older observation would rightly not win.
  const { rows: newest } = await context.pool.query<{ at: Date | null }>(`SELECT max(observed_at) AS at FROM applications`);
  const base = Math.max(Date.now(), (newest[0]?.at?.getTime() ?? 0) + 1_000);
  const notifications: string[] = [];
  let wave = 0;
  for (const members of waves.values()) {
    const started = new Date(base + wave * 60_000);
    const phases = (["running", "succeeded", "deployed"] as const).map((phase) =>
      members.map(({ application, service }) => notification(real, application, service, phase, started, wave)),
    );
    notifications.push(...phases.flat());
    wave += 1;
  }
  const all = [...services.values()];
  const step = Math.max(1, Math.floor(all.length / SAMPLE));
  return { services, notifications, sample: all.filter((_, index) => index % step === 0).slice(0, SAMPLE), firstSyncAt: new Date(Math.floor(base / 1000) * 1000) };
}

/** One notification of an application's sync to the service's new image, as Argo CD renders `{{toJson .app}}`. */
function notification(real: Record<string, any>, application: Application, service: ServiceRollout, phase: "running" | "succeeded" | "deployed", started: Date, wave: number): string {
  const at = (seconds: number) => new Date(started.getTime() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const app = structuredClone(real);
  app.metadata.name = application.name;
  app.metadata.namespace = application.namespace;
  app.metadata.uid = application.uid ?? hex40(`${application.instance}/${application.name}`);
  if (Object.keys(application.labels).length > 0) app.metadata.labels = application.labels;
  app.spec.source = { ...app.spec.source, repoURL: application.repoUrl ?? app.spec.source?.repoURL, path: application.path ?? app.spec.source?.path, targetRevision: application.targetRevision ?? app.spec.source?.targetRevision };
  app.spec.destination = { name: application.cluster, server: application.server, namespace: application.destinationNamespace ?? application.name };
  const configRevision = hex40(`${service.commit} config ${wave}`);
  const finished = phase !== "running";
  const images = finished ? [service.image, ...application.images.slice(1)] : application.images;
  app.status.summary = { ...app.status.summary, images };
  app.status.sync = { ...app.status.sync, status: finished ? "Synced" : "OutOfSync", revision: configRevision };
  app.status.health = { status: phase === "deployed" ? "Healthy" : "Progressing" };
  app.status.reconciledAt = at(phase === "running" ? 5 : phase === "succeeded" ? 60 : 120);
  const operationState = app.status.operationState;
  operationState.phase = finished ? "Succeeded" : "Running";
  operationState.startedAt = at(0);
  operationState.operation.sync.revision = configRevision;
  if (finished) {
    operationState.finishedAt = at(60);
    operationState.syncResult.revision = configRevision;
    const history = app.status.history ?? [];
    app.status.history = [...history.slice(-9), { ...history.at(-1), id: 1_000_000 + wave, revision: configRevision, deployStartedAt: at(0), deployedAt: at(60) }];
  } else {
    delete operationState.finishedAt;
    delete operationState.syncResult;
  }
  const event = phase === "running" ? "on-sync-running" : phase === "succeeded" ? "on-sync-succeeded" : "on-deployed";
  return JSON.stringify({ event, instance: application.instance, app });
}

/** The bump commit of every service, pushed (signed) and applied before the rollout starts. */
async function pushBumpCommits(context: BenchContext, rollout: Rollout, runTag: string): Promise<void> {
  const template = JSON.parse((await githubFixtures()).find((fixture) => fixture.file === "push/with-new-branch.payload.json")!.text) as Record<string, any>;
  const bodies = [...rollout.services.values()].map((service) => {
    const body = structuredClone(template);
    body.repository.full_name = service.repository;
    body.repository.name = service.repository.split("/")[1] ?? service.repository;
    body.ref = "refs/heads/main";
    body.created = false;
    body.before = hex40(`${service.commit} parent`);
    body.after = service.commit;
    body.commits = [{ ...body.commits[0], id: service.commit, message: "Bump the base image", distinct: true }];
    body.head_commit = body.commits[0];
    return JSON.stringify(body);
  });
  const startedAt = new Date();
  await sendPaced(context, bodies, (index) => ({
    path: "/api/webhooks/github",
    headers: {
      "x-github-event": "push",
      "x-github-delivery": `${runTag}-${index}`,
      "x-hub-signature-256": signGithubPayload(context.webhooks.githubSecret, bodies[index]!),
      [RUN_HEADER]: `${runTag}-${index}`,
    },
  }));
  const filter = stormFilter({ runTag, startedAt });
  const deadline = Date.now() + context.durations.drainLimitSeconds * 1000;
  for (;;) {
    const { rows } = await context.pool.query<{ open: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'FAILED'))::int AS open FROM webhook_deliveries WHERE ${filter.where}`,
      filter.values,
    );
    if (rows[0]!.open === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  context.log(`  rollout: ${bodies.length} bump commits pushed and applied in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s`);
}

type Sent = { ok: number; retried: number; failed: number };

/**
 * POSTs every body once, the i-th due i / RATE seconds after the start, at most CONNECTIONS at a
 * time. A 503 (the database busy, the bodies-in-flight budget) is sent again after its
 * Retry-After, as Argo CD's notification controller and GitHub do, up to five times.
 */
async function sendPaced(context: BenchContext, bodies: string[], request: (index: number) => { path: string; headers: Record<string, string> }): Promise<Sent> {
  const sent: Sent = { ok: 0, retried: 0, failed: 0 };
  const start = performance.now();
  let next = 0;
  const connection = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const wait = start + (index / RATE) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      const { path: target, headers } = request(index);
      for (let attempt = 1; ; attempt += 1) {
        const response = await fetch(`${context.acceptUrl}${target}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: bodies[index],
        }).catch(() => null);
        await response?.arrayBuffer();
        if (response?.ok) {
          sent.ok += 1;
          break;
        }
        if (attempt === 5 || (response && response.status !== 503)) {
          sent.failed += 1;
          break;
        }
        sent.retried += 1;
        await sleep(1000 * Number(response?.headers.get("retry-after") ?? 1));
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  return sent;
}

type Run = { runTag: string; startedAt: Date };

/** Samples, each second, how old the oldest stored rollout notification not yet applied is (0 when none). */
function sampleLag(context: BenchContext, run: Run): { stop: () => Promise<{ p50: number | null; p95: number | null; samples: number }> } {
  const samples: number[] = [];
  let stopped = false;
  const filter = stormFilter(run);
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await context.pool.query<{ oldest: Date | null }>(
        `SELECT min(received_at) AS oldest FROM webhook_deliveries WHERE ${filter.where} AND status IN ('PENDING', 'FAILED')`,
        filter.values,
      );
      const oldest = rows[0]?.oldest;
      samples.push(oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
      await sleep(1_000);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      const sorted = [...samples].sort((a, b) => a - b);
      return { p50: sorted.length ? percentile(sorted, 50) : null, p95: sorted.length ? percentile(sorted, 95) : null, samples: samples.length };
    },
  };
}

const lagNote = (samples: number) =>
  `Age of the oldest accepted rollout notification not yet applied, sampled each second (${samples} samples) from the first notification until the end state.`;

type EndState = {
  applied: number | null;
  matrix: number | null;
  timeline: number | null;
  whereIs: number | null;
  all: number | null;
  appliedNote: string;
  /** What each view showed instead of the end state when last checked (for the report's note). */
  waiting: { matrix?: string; timeline?: string; whereIs?: string };
};

/** A view's check: null when it shows the end state, else what it shows instead. */
type Shown = string | null;

function shownAt(shown: Shown, since: () => number): [number | null, string | undefined] {
  return shown === null ? [since(), undefined] : [null, shown];
}

/** Seconds from `last` until each view shows the end state (null: not within drainLimitSeconds). */
async function waitForEndState(context: BenchContext, rollout: Rollout, run: Run, last: Date): Promise<EndState> {
  const filter = stormFilter(run);
  const deadline = last.getTime() + context.durations.drainLimitSeconds * 1000;
  const since = () => (Date.now() - last.getTime()) / 1000;
  const state: EndState = { applied: null, matrix: null, timeline: null, whereIs: null, all: null, appliedNote: "", waiting: {} };
  while (Date.now() < deadline && (state.all === null || state.applied === null)) {
    if (state.applied === null) {
      const { rows } = await context.pool.query<{ open: number; quarantined: number; last: Date | null }>(
        `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'FAILED'))::int AS open, count(*) FILTER (WHERE status = 'QUARANTINED')::int AS quarantined,
           max(processed_at) AS last FROM webhook_deliveries WHERE ${filter.where}`,
        filter.values,
      );
      if (rows[0]!.open === 0) {
        state.applied = Math.max(0, (rows[0]!.last!.getTime() - last.getTime()) / 1000);
        state.appliedNote = `Until none of the rollout's notifications was PENDING or FAILED (the last one's processed_at); ${rows[0]!.quarantined} quarantined.`;
      }
    }
    if (state.matrix === null) [state.matrix, state.waiting.matrix] = shownAt(await matrixShowsEndState(context, rollout), since);
    if (state.timeline === null) [state.timeline, state.waiting.timeline] = shownAt(await timelineShowsEndState(context, rollout), since);
    if (state.whereIs === null) [state.whereIs, state.waiting.whereIs] = shownAt(await whereIsShowsEndState(context, rollout), since);
    if (state.matrix !== null && state.timeline !== null && state.whereIs !== null) state.all = Math.max(state.matrix, state.timeline, state.whereIs);
    // The sampled services may show their end state before the last notification of another is applied.
    if (state.all === null || state.applied === null) await sleep(1_000);
  }
  return state;
}

/** Seconds waited until no delivery is PENDING or FAILED (at most drainLimitSeconds). */
async function waitForEmptyQueue(context: BenchContext): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < context.durations.drainLimitSeconds * 1000) {
    const { rows } = await context.pool.query<{ open: boolean }>(`SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE status IN ('PENDING', 'FAILED')) AS open`);
    if (!rows[0]!.open) break;
    await sleep(1_000);
  }
  return (Date.now() - started) / 1000;
}

async function getJson(context: BenchContext, pathAndQuery: string): Promise<any> {
  const response = await fetch(`${context.shiplogUrl}${pathAndQuery}`, { headers: { cookie: context.cookie } });
  return response.ok ? response.json() : null;
}

/** Every sampled service's row: every cell at the new version only, healthy and in sync. */
async function matrixShowsEndState(context: BenchContext, rollout: Rollout): Promise<Shown> {
  for (const service of rollout.sample) {
    const matrix = await getJson(context, `/api/v1/fleet/matrix?q=${encodeURIComponent(service.name)}&limit=20`);
    const row = matrix?.rows.find((candidate: { service: string }) => candidate.service === service.name);
    const cells = (row?.cells ?? []).filter((cell: unknown) => cell !== null) as { health: string; outOfSync: number; versions: string[]; versionCount: number }[];
    if (cells.length === 0) return `${service.name}: no row or no cells`;
    const behind = cells.find((cell) => !(cell.health === "HEALTHY" && cell.outOfSync === 0 && cell.versionCount === 1 && cell.versions[0] === service.version));
    if (behind) {
      return `${service.name}: a cell ${behind.health}, ${behind.outOfSync} out of sync, versions ${behind.versions.join(" ")} (${behind.versionCount}), not only ${service.version}`;
    }
  }
  return null;
}

/** Every application of each sampled service has its rollout deployment in the timeline, succeeded. */
async function timelineShowsEndState(context: BenchContext, rollout: Rollout): Promise<Shown> {
  // From the first wave's start: at full size, planning 300,000 notifications and pushing the
  // bump commits take over a minute, so the first waves' syncs are dated before sending began.
  const from = rollout.firstSyncAt.toISOString();
  for (const service of rollout.sample) {
    const page = await getJson(context, `/api/v1/deployments?service=${encodeURIComponent(service.name)}&from=${encodeURIComponent(from)}&limit=100`);
    const items = (page?.items ?? []) as { status: string }[];
    const expected = Math.min(service.applications, 100);
    if (items.length < expected) return `${service.name}: ${items.length} deployment(s) since the rollout began, not ${expected}`;
    const unfinished = items.find((item) => item.status !== "SUCCEEDED");
    if (unfinished) return `${service.name}: a deployment ${unfinished.status}`;
  }
  return null;
}

/** "Where is commit X" for each sampled service's bump commit: contained by what every application of the service runs. */
async function whereIsShowsEndState(context: BenchContext, rollout: Rollout): Promise<Shown> {
  for (const service of rollout.sample) {
    const lookup = (await getJson(context, `/api/v1/commits/${service.commit}`)) as CommitLookup | null;
    const location = lookup?.matches.flatMap((match) => match.services).find((candidate) => candidate.service.name === service.name);
    const running = location?.applications.filter((application) => application.contains).length ?? 0;
    if (running < service.applications) {
      return `${service.name}: commit ${service.commit.slice(0, 12)} contained by ${running} of ${service.applications} application(s)${lookup ? "" : " (no answer)"}`;
    }
  }
  return null;
}

type Cpu = { workerMs: number | null; databaseMs: number | null };

async function cpuNow(context: BenchContext): Promise<Cpu> {
  const postmaster = await postmasterPid();
  return {
    workerMs: await processTreeCpuMs(context.processes.worker.pid),
    databaseMs: postmaster === null ? null : await processTreeCpuMs(postmaster),
  };
}

async function cpuSince(context: BenchContext, before: Cpu): Promise<Cpu> {
  const now = await cpuNow(context);
  return {
    workerMs: now.workerMs !== null && before.workerMs !== null ? now.workerMs - before.workerMs : null,
    databaseMs: now.databaseMs !== null && before.databaseMs !== null ? now.databaseMs - before.databaseMs : null,
  };
}

/** The bench's embedded PostgreSQL (run-bench.ts: its data directory is .shiplog/bench-postgres/postgres). */
async function postmasterPid(): Promise<number | null> {
  const file = path.resolve(import.meta.dirname, "../../../.shiplog/bench-postgres/postgres/postmaster.pid");
  const text = await readFile(file, "utf8").catch(() => null);
  const pid = text ? Number(text.split("\n")[0]) : Number.NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function imageNameEnd(image: string): number {
  const at = image.lastIndexOf(":");
  const slash = image.lastIndexOf("/");
  return at > slash ? at : image.length;
}

/** A 40-hex SHA derived from `seed` (distinct per run and service). */
function hex40(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
