// Failed GitLab webhook events found in a hook's event log and resent: against the fake GitLab
// (tests/support/fake-gitlab.ts, the event log and resend in GitLab's published shapes), whose
// resend really posts the logged event to Shiplog's accept server over a socket, so a resent event
// is authenticated and stored as any delivery is. One fake, one accept server for the file; each
// test has its own projects and event keys, so none sees another's.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb, type Db } from "@/lib/db/client";
import { parseConfig } from "@/lib/env";
import { createGitlabApi, type GitlabApi } from "@/lib/gitlab/gitlab-client";
import { gitlabWebhookHookSchema, type GitlabWebhookHook } from "@/lib/gitlab/gitlab-webhook-hook";
import { resendFailedGitlabEvents, type ResendOptions } from "@/lib/gitlab/resend-failed-gitlab-events";
import { startGitlabReconciliation } from "@/lib/gitlab/run-gitlab-reconciliation";
import { type FakeGitlab, type FakeGitlabHook, fakeGitlabHook, fakeGitlabProject, logFakeHookEvent, startFakeGitlab } from "../../support/fake-gitlab";
import { gitlabExampleText } from "../../support/gitlab-examples";
import { storedDeliveries, warmDatabase } from "../../support/webhooks";

const SECRET = "gitlab-secret-resend";
vi.stubEnv("GITLAB_WEBHOOK_SECRET", SECRET);
afterAll(() => void vi.unstubAllEnvs());
const { serveWebhooks } = await import("@/lib/ingest/accept/webhook-server");

const db = getDb();
let gitlab: FakeGitlab;
let api: GitlabApi;
let shiplog: Awaited<ReturnType<typeof serveWebhooks>>;
let endpoint: string;
const lines: string[] = [];
let projects = 0;

beforeAll(async () => {
  await warmDatabase();
  shiplog = await serveWebhooks({ port: 0, host: "127.0.0.1" });
  endpoint = `http://127.0.0.1:${shiplog.port}/api/webhooks/gitlab`;
  gitlab = await startFakeGitlab();
  api = createGitlabApi({ url: gitlab.url, token: gitlab.token, timeoutMs: 5_000 });
});
afterAll(async () => {
  await gitlab?.close();
  await shiplog?.close();
});
beforeEach(() => {
  lines.length = 0;
  gitlab.resends.length = 0;
  gitlab.eventsApi = true;
  gitlab.resendLimit = 5;
});

/** A project of its own with Shiplog's webhook on it, and the GITLAB_WEBHOOK_HOOKS entry naming it. */
function projectHook(): { hook: FakeGitlabHook; entry: GitlabWebhookHook } {
  const path = `acme/service-${(projects += 1)}`;
  const project = fakeGitlabProject({});
  const hook = fakeGitlabHook(endpoint, SECRET);
  project.hooks.push(hook);
  gitlab.projects.set(path, project);
  return { hook, entry: gitlabWebhookHookSchema.parse(`${path}:${hook.id}`) };
}

/** The database as a worker sees it that read gitlab_resends and the stored keys a moment earlier: empty. */
function staleReads(client: Db): Db {
  const bound = (target: object, name: string | symbol) => {
    const value: unknown = Reflect.get(target, name);
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  };
  const stale = (delegate: object) => new Proxy(delegate, { get: (target, name) => (name === "findMany" ? async () => [] : bound(target, name)) });
  return new Proxy(client, { get: (target, name) => (name === "gitlabResend" || name === "webhookDeliveryKey" ? stale(bound(target, name) as object) : bound(target, name)) });
}

const push = () => gitlabExampleText("push");
const failedPush = (hook: FakeGitlabHook, status = "internal error", key = randomUUID()) => logFakeHookEvent(hook, { event: "Push Hook", body: push(), key, status });
const run = (hooks: GitlabWebhookHook[], options: ResendOptions = {}) => resendFailedGitlabEvents(db, api, hooks, { log: (line) => lines.push(line), ...options });
const resentIds = () => gitlab.resends.map((item) => Number(item.split(":")[1]));

describe("resendFailedGitlabEvents", () => {
  it("resends a failed event Shiplog never stored, once; it arrives through the verified endpoint and is stored; stored and successful events are left alone", async () => {
    const { hook, entry } = projectHook();
    const missed = failedPush(hook, "internal error");
    const storedKey = randomUUID();
    const stored = failedPush(hook, "503", storedKey);
    await db.webhookDelivery.create({ data: { source: "GITLAB", deliveryId: storedKey, event: "Push Hook", body: push() } });
    logFakeHookEvent(hook, { event: "Push Hook", body: push(), key: randomUUID(), status: "202" });

    const [first] = await run([entry]);

    expect(resentIds()).toEqual([missed.id]);
    expect(resentIds()).not.toContain(stored.id);
    expect(first).toMatchObject({ hook: entry.name, listed: 2, resent: 1, failedAgain: 0, alreadyStored: 1, stoppedBy: null });
    const [row, ...others] = await storedDeliveries("GITLAB", missed.request_headers["Idempotency-Key"]!);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ event: "Push Hook", status: "PENDING", body: JSON.stringify(missed.request_data) });
    expect(row?.headers).toMatchObject({ "x-shiplog-authenticated-by": "GITLAB_WEBHOOK_SECRET[0]", "x-gitlab-event": "Push Hook" });
    expect(hook.events.at(-1)).toMatchObject({ response_status: "202" });
    expect(await db.gitlabResend.findUnique({ where: { key: missed.request_headers["Idempotency-Key"]! } })).toMatchObject({ hook: entry.name, attempts: 1, lastStatus: "202" });
    expect(lines).toContain(`${entry.name}: asked GitLab to resend 1 failed event, 1 now delivered`);

    const [second] = await run([entry]);
    expect(gitlab.resends).toHaveLength(1);
    expect(second).toMatchObject({ resent: 0, alreadyStored: 2 });
  });

  it("resends an event logged before GitLab sent Idempotency-Key once, though Shiplog stores the resend under a new event UUID", async () => {
    const { hook, entry } = projectHook();
    const old = logFakeHookEvent(hook, { event: "Push Hook", body: push(), key: randomUUID(), status: "500", idempotencyKey: false });
    await run([entry]);
    await run([entry]);
    expect(resentIds()).toEqual([old.id]);
    expect(await db.gitlabResend.findUnique({ where: { key: old.request_headers["X-Gitlab-Event-UUID"]! } })).toMatchObject({ attempts: 1, lastStatus: "202" });
  });

  it("asks again when the resend fails too, up to maxAttempts, then says once that it gave up", async () => {
    const { hook, entry } = projectHook();
    hook.token = "a-rotated-secret"; // Shiplog refuses GitLab's token: every resend gets 401
    failedPush(hook, "401");
    for (let index = 0; index < 4; index += 1) await run([entry], { maxAttempts: 2 });
    expect(gitlab.resends).toHaveLength(2);
    expect(lines.filter((line) => line.includes("Shiplog answered GitLab 401 again"))).toHaveLength(2);
    expect(lines.filter((line) => line.includes("still fails after 2 resends"))).toHaveLength(1);
  });

  it("never resends an event twice when a second worker read the log and the database before the first one's claim", async () => {
    const { hook, entry } = projectHook();
    failedPush(hook);
    await run([entry]);
    // The second worker saw neither the first one's claim nor the delivery it brought: only the claim stops it.
    const [second] = await resendFailedGitlabEvents(staleReads(db), api, [entry]);
    expect(gitlab.resends).toHaveLength(1);
    expect(second).toMatchObject({ resent: 0, failedAgain: 0, stoppedBy: null });
  });

  it("stops the run on GitLab's rate limit (429): nothing claimed, says when it tries again, and the next run resends", async () => {
    const limited = projectHook();
    const other = projectHook();
    const event = failedPush(limited.hook);
    failedPush(other.hook);
    gitlab.resendLimit = 0;

    const results = await run([limited.entry, other.entry], { nextRunInSeconds: 600 });

    expect(results).toHaveLength(1); // the second hook is not tried under the same limit
    expect(results[0]?.stoppedBy).toMatch(/rate limit on resending events \(429.*the next check, in 600 s \(GITLAB_REDELIVERY_INTERVAL_SECONDS\), asks again/);
    expect(lines.some((line) => line.startsWith(`${limited.entry.name}: GitLab's rate limit`))).toBe(true);
    expect(await db.gitlabResend.findUnique({ where: { key: event.request_headers["Idempotency-Key"]! } })).toBeNull();

    gitlab.resendLimit = 5;
    await run([limited.entry, other.entry]);
    expect(gitlab.resends).toHaveLength(2);
  });

  it("keeps to GitLab's five resends a minute per project: the rest wait for the next run", async () => {
    const { hook, entry } = projectHook();
    for (let index = 0; index < 7; index += 1) failedPush(hook, "503");
    const [result] = await run([entry]);
    expect(result).toMatchObject({ resent: 5, stoppedBy: null });
    expect(gitlab.resends).toHaveLength(5);
  });

  it("says a GitLab without the event log (older than 17.3, a 404) lacks it, and stops without a crash", async () => {
    const first = projectHook();
    const second = projectHook();
    failedPush(first.hook);
    gitlab.eventsApi = false;
    const results = await run([first.entry, second.entry]);
    expect(results).toHaveLength(1);
    expect(results[0]?.stoppedBy).toMatch(/404 for the webhook's event log: this GitLab version lacks it \(.*17\.3/);
    expect(lines).toContain(`${first.entry.name}: ${results[0]?.stoppedBy}`);
    expect(gitlab.resends).toEqual([]);
  });

  it("names GITLAB_TOKEN when GitLab refuses it, and GITLAB_WEBHOOK_HOOKS for a hook it does not know", async () => {
    const { hook, entry } = projectHook();
    failedPush(hook);
    const refused = createGitlabApi({ url: gitlab.url, token: "glpat-revoked", timeoutMs: 5_000 });
    const [result] = await resendFailedGitlabEvents(db, refused, [entry, entry]);
    expect(result?.stoppedBy).toMatch(/GitLab refused GITLAB_TOKEN \(401/);

    const unknown = gitlabWebhookHookSchema.parse("acme/nowhere:99");
    const results = await run([unknown, entry]);
    expect(results[0]?.stoppedBy).toMatch(/404 for the webhook: .*check this GITLAB_WEBHOOK_HOOKS entry/);
    expect(results[1]).toMatchObject({ resent: 1 }); // one wrong entry does not hold the others up
  });

  it("resends through a group's hook, and leaves a hook GitLab disabled alone, saying how to enable it", async () => {
    const groupHook = fakeGitlabHook(endpoint, SECRET);
    gitlab.groups.set("acme-group", { hooks: [groupHook] });
    const groupEvent = failedPush(groupHook, "502");
    const disabled = projectHook();
    disabled.hook.alertStatus = "temporarily_disabled";
    failedPush(disabled.hook);

    const results = await run([gitlabWebhookHookSchema.parse(`group:acme-group:${groupHook.id}`), disabled.entry]);

    expect(resentIds()).toEqual([groupEvent.id]);
    expect(results[1]?.stoppedBy).toMatch(/GitLab has disabled this webhook \(temporarily_disabled until .*enable it again/);
  });
});

describe("startGitlabReconciliation with GITLAB_WEBHOOK_HOOKS", () => {
  it("resends on its interval, one worker at a time, keeping the outcome in its settings row", async () => {
    const { hook, entry } = projectHook();
    failedPush(hook);
    await db.setting.deleteMany({ where: { key: "gitlab_reconciliation:redelivery" } });
    const settings = parseConfig({
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      GITLAB_WEBHOOK_HOOKS: entry.name,
      GITLAB_REDELIVERY_INTERVAL_SECONDS: "1",
      GITLAB_RANGES_INTERVAL_SECONDS: "0",
    });
    const stop = new AbortController();
    const running = startGitlabReconciliation({ signal: stop.signal, settings, log: (line) => lines.push(line), firstDelayMs: 0 });
    const deadline = Date.now() + 20_000;
    let row = await db.setting.findUnique({ where: { key: "gitlab_reconciliation:redelivery" } });
    while (typeof (row?.value as { finishedAt?: unknown } | undefined)?.finishedAt !== "string" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      row = await db.setting.findUnique({ where: { key: "gitlab_reconciliation:redelivery" } });
    }
    stop.abort();
    await running;
    expect(row?.value).toMatchObject({ ok: true, hooks: [{ hook: entry.name, resent: 1, stoppedBy: null }] });
    expect(gitlab.resends).toHaveLength(1);
    expect(lines).toContain("GITLAB_RANGES_INTERVAL_SECONDS=0: release commit ranges are not completed from GitLab");
  });
});
