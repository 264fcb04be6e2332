// Issue 3's promise end to end, over real HTTP against `next start` running as in production,
// with its inline worker on (a server of this file's own, on an empty database, so the shared
// server's fleet stays as the page tests expect): a GitHub push, CI build reports, and Argo CD
// sync notifications for three clusters go in through the webhooks; "where is commit X" then
// names those three applications.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { githubExample } from "../support/github-examples";
import { argocdApplication } from "../support/webhooks";

const { argocdToken, buildToken, githubSecret } = inject("webhookCredentials");
let baseUrl: string;
let cookie: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_trace", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const server = await startShiplogServer(database.url, { SHIPLOG_INLINE_WORKER: "true" });
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  ({ cookie } = await server.signIn([{ role: "viewer", teamId: null }]));
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const repository = "e2e-shop/basket-api";
const image = "registry.e2e.test/shop/basket-api";
const sha = (seed: string) => Buffer.from(seed.repeat(20)).toString("hex").slice(0, 40);
const [c0, c1, target] = [sha("c0"), sha("c1"), sha("x9")];
const clusters = ["prod-e2e-a", "prod-e2e-b", "prod-e2e-c"];

async function post(endpoint: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(new URL(endpoint, baseUrl), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  expect(response.status, `${endpoint}: ${await response.clone().text()}`).toBe(202);
}

async function pushCommits(): Promise<void> {
  // GitHub's own push example, carrying this test's repository and three commits.
  const payload = githubExample("push/with-new-branch.payload.json");
  const template = payload.commits[0];
  payload.ref = "refs/heads/main";
  payload.before = "0".repeat(40);
  payload.after = target;
  payload.repository.full_name = repository;
  payload.commits = [
    { ...template, id: c0, message: "Basket totals (#1)", timestamp: "2026-11-20T08:00:00Z", distinct: true },
    { ...template, id: c1, message: "Basket discounts (#2)", timestamp: "2026-11-20T09:00:00Z", distinct: true },
    { ...template, id: target, message: "Fix basket rounding (#3)", timestamp: "2026-11-20T10:00:00Z", distinct: true },
  ];
  payload.head_commit = payload.commits[2];
  const body = JSON.stringify(payload);
  await post("/api/webhooks/github", body, {
    "x-github-event": "push",
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": signGithubPayload(githubSecret, body),
  });
}

async function reportBuild(tag: string, commitSha: string): Promise<void> {
  const body = JSON.stringify({ service: "basket-api", repository, commitSha, image, tag, builtAt: "2026-11-20T10:05:00Z" });
  await post("/api/webhooks/build", body, { authorization: `Bearer ${buildToken}` });
}

async function sync(cluster: string, tag: string, startedAt: string): Promise<void> {
  const app = structuredClone(await argocdApplication()) as Record<string, any>;
  app.metadata.name = `basket-api-${cluster}`;
  app.metadata.uid = `uid-basket-${cluster}`;
  app.metadata.labels = { "app.kubernetes.io/part-of": "basket-api", env: "prod", "shiplog.io/repository": "e2e-shop.basket-api" };
  delete app.metadata.ownerReferences;
  delete app.status.resources;
  app.spec.destination = { name: cluster, namespace: "basket" };
  const finishedAt = new Date(Date.parse(startedAt) + 60_000).toISOString();
  const settledAt = new Date(Date.parse(startedAt) + 120_000).toISOString();
  app.status.summary = { images: [`${image}:${tag}`] };
  app.status.sync = { ...app.status.sync, status: "Synced", revision: `cfg-${cluster}-${tag}` };
  app.status.health = { status: "Healthy", lastTransitionTime: settledAt };
  app.status.reconciledAt = settledAt;
  app.status.operationState = {
    ...app.status.operationState,
    phase: "Succeeded",
    startedAt,
    finishedAt,
    syncResult: { ...app.status.operationState.syncResult, revision: `cfg-${cluster}-${tag}` },
  };
  const body = JSON.stringify({ event: "on-deployed", instance: "e2e", app });
  await post("/api/webhooks/argocd", body, { authorization: `Bearer ${argocdToken}` });
}

type Lookup = { matches: { commit: { sha: string }; services: { service: { name: string }; firstRelease: { version: string } | null; applications: { name: string; cluster: string; contains: boolean; currentRelease: { version: string } | null }[] }[] }[] };

async function whereIs(commit: string): Promise<Lookup | undefined> {
  const response = await fetch(new URL(`/api/v1/commits/${commit.slice(0, 10)}`, baseUrl), { headers: { cookie } });
  return response.status === 200 ? ((await response.json()) as Lookup) : undefined;
}

/** The worker runs beside the web server; wait until it has caught up, within bounds. */
async function eventually<T>(probe: () => Promise<T | undefined>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined && accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not reached within ${timeoutMs} ms; last answer: ${JSON.stringify(last)}`);
}

describe("where is commit X, from webhooks to the read API", () => {
  it("names the three applications running the release that carries it", async () => {
    await pushCommits();
    await reportBuild("1.0.0", c0);
    await reportBuild("1.1.0", target);
    for (const [index, cluster] of clusters.entries()) await sync(cluster, "1.0.0", `2026-11-20T08:3${index}:00Z`);
    for (const [index, cluster] of clusters.entries()) await sync(cluster, "1.1.0", `2026-11-20T11:0${index}:00Z`);

    const lookup = await eventually(
      () => whereIs(target),
      (answer) => answer.matches[0]?.services[0]?.applications.filter((app) => app.contains).length === 3,
    );
    const [match] = lookup.matches;
    expect(match!.commit.sha).toBe(target);
    const [service] = match!.services;
    expect(service!.service.name).toBe("basket-api");
    expect(service!.firstRelease?.version).toBe("1.1.0");
    expect(service!.applications.map((app) => [app.cluster, app.contains, app.currentRelease?.version]).sort()).toEqual(
      clusters.map((cluster) => [cluster, true, "1.1.0"]),
    );

    // A commit inside the release's range (not its head) is found the same way; the first
    // release's commit has been running since 1.0.0.
    const inRange = await whereIs(c1);
    expect(inRange?.matches[0]?.services[0]?.firstRelease?.version).toBe("1.1.0");
    const first = await whereIs(c0);
    expect(first?.matches[0]?.services[0]?.firstRelease?.version).toBe("1.0.0");
    expect(first?.matches[0]?.services[0]?.applications.every((app) => app.contains)).toBe(true);
  });
});
