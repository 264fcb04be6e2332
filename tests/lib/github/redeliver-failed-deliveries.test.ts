import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createGithubClient, type GithubClient } from "@/lib/github/github-client";
import { hookSettingKey, redeliverFailedDeliveries } from "@/lib/github/redeliver-failed-deliveries";
import { webhookHookSchema } from "@/lib/github/webhook-hook";
import { fakeDelivery, startFakeGithub, type FakeGithub } from "../../support/fake-github";

const db = getDb();
const repositoryHook = webhookHookSchema.parse("acme/api:123456");
const organizationHook = webhookHookSchema.parse("org:acme:987654");
const REPO_PATH = "/repos/acme/api/hooks/123456";
const ORG_PATH = "/orgs/acme/hooks/987654";
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

let github: FakeGithub;
let client: GithubClient;
const lines: string[] = [];

beforeAll(async () => {
  github = await startFakeGithub();
  client = createGithubClient({ baseUrl: github.url, auth: { token: github.token }, log: (line) => lines.push(line), retries: 0 });
});
afterAll(() => github.close());
beforeEach(async () => {
  await db.$executeRaw`TRUNCATE webhook_deliveries, github_redeliveries, settings`;
  github.deliveries.clear();
  github.redeliveries.length = 0;
  github.requests.length = 0;
  github.rateLimit = undefined;
  github.onRedeliver = undefined;
  lines.length = 0;
});

const run = (options: Parameters<typeof redeliverFailedDeliveries>[3] = {}) =>
  redeliverFailedDeliveries(db, client, [repositoryHook, organizationHook], { log: (line) => lines.push(line), ...options });
const store = (guid: string) => db.webhookDelivery.create({ data: { source: "GITHUB", deliveryId: guid, event: "push", body: "{}" } });
const redelivered = () => github.redeliveries.map((item) => `${item.hook} ${item.deliveryId}`);

describe("redeliverFailedDeliveries", () => {
  it("redelivers each failed delivery Shiplog has not stored exactly once across runs, and nothing else", async () => {
    const failed = fakeDelivery("guid-failed-503", 503, minutesAgo(30));
    const timedOut = fakeDelivery("guid-timed-out", 0, minutesAgo(20), { event: "pull_request", action: "closed" });
    const storedAnyway = fakeDelivery("guid-stored", 502, minutesAgo(25));
    const succeeded = fakeDelivery("guid-ok", 202, minutesAgo(15));
    const orgFailed = fakeDelivery("guid-org-failed", 500, minutesAgo(10), { event: "create" });
    github.deliveries.set(REPO_PATH, [failed, timedOut, storedAnyway, succeeded]);
    github.deliveries.set(ORG_PATH, [orgFailed]);
    await store("guid-stored");

    const first = await run();
    const second = await run();

    expect(redelivered()).toEqual([`${REPO_PATH} ${failed.id}`, `${REPO_PATH} ${timedOut.id}`, `${ORG_PATH} ${orgFailed.id}`]);
    expect(first.map((result) => [result.hook, result.redelivered, result.alreadyStored])).toEqual([
      ["acme/api:123456", 2, 1],
      ["org:acme:987654", 1, 0],
    ]);
    expect(second.map((result) => result.redelivered)).toEqual([0, 0]);
    expect(await db.githubRedelivery.findMany({ orderBy: { guid: "asc" }, select: { guid: true, hook: true, attempts: true } })).toEqual([
      { guid: "guid-failed-503", hook: "acme/api:123456", attempts: 1 },
      { guid: "guid-org-failed", hook: "org:acme:987654", attempts: 1 },
      { guid: "guid-timed-out", hook: "acme/api:123456", attempts: 1 },
    ]);
    expect(lines).toContain("acme/api:123456: asked GitHub to redeliver 2 failed deliveries");
  });

  it("asks again when GitHub reports the redelivery failed too, up to a bound, and says so once", async () => {
    const failed = fakeDelivery("guid-flaky", 503, minutesAgo(30));
    github.deliveries.set(REPO_PATH, [failed]);
    // Shiplog is still down: each redelivery fails as well.
    github.onRedeliver = (hook, original) => {
      github.deliveries.get(hook)!.push(fakeDelivery(original.guid, 0, new Date(), { redelivery: true }));
    };
    for (let index = 0; index < 4; index += 1) await run({ maxAttempts: 2 });

    expect(github.redeliveries).toHaveLength(2);
    expect(lines.filter((line) => line.includes("still fails after 2 redeliveries"))).toHaveLength(1);
  });

  it("stops when the redelivery succeeds (Shiplog stored it under the same GUID)", async () => {
    const failed = fakeDelivery("guid-recovers", 503, minutesAgo(30));
    github.deliveries.set(REPO_PATH, [failed]);
    github.onRedeliver = (hook, original) => {
      github.deliveries.get(hook)!.push(fakeDelivery(original.guid, 202, new Date(), { redelivery: true }));
      void store(original.guid);
    };
    await run();
    await run();
    expect(github.redeliveries).toHaveLength(1);
  });

  it("never redelivers twice when two workers run at once", async () => {
    github.deliveries.set(REPO_PATH, [fakeDelivery("guid-race", 503, minutesAgo(5))]);
    await Promise.all([run(), run(), run()]);
    expect(github.redeliveries).toHaveLength(1);
  });

  it("follows the cursor, and next time lists only what is new since the last check", async () => {
    const old = Array.from({ length: 150 }, (_, index) => fakeDelivery(`guid-old-${index}`, 200, minutesAgo(600 - index)));
    github.deliveries.set(REPO_PATH, [...old, fakeDelivery("guid-in-old-page", 503, minutesAgo(700))]);

    await redeliverFailedDeliveries(db, client, [repositoryHook]);
    const firstPages = github.requests.filter((request) => request.method === "GET");
    expect(firstPages.map((request) => new URL(request.path, "http://x").searchParams.get("cursor"))).toEqual([null, expect.stringMatching(/^v1_/)]);
    expect(redelivered()).toHaveLength(1);
    const checked = await db.setting.findUniqueOrThrow({ where: { key: hookSettingKey(repositoryHook) } });
    expect(checked.value).toMatchObject({ checkedUntil: expect.any(String), redelivered: 1 });

    github.requests.length = 0;
    github.deliveries.get(REPO_PATH)!.push(fakeDelivery("guid-new", 0, minutesAgo(1)));
    await redeliverFailedDeliveries(db, client, [repositoryHook]);
    // One page: the listing stops at the first delivery older than the last check.
    expect(github.requests.filter((request) => request.method === "GET")).toHaveLength(1);
    expect(redelivered()).toHaveLength(2);
  });

  it("gives up cleanly on a rate limit: nothing claimed, the window not moved, the next run redelivers", async () => {
    github.deliveries.set(REPO_PATH, [fakeDelivery("guid-limited", 503, minutesAgo(5))]);
    github.deliveries.set(ORG_PATH, [fakeDelivery("guid-org", 503, minutesAgo(5))]);
    github.rateLimit = { kind: "secondary", times: 5, resetInSeconds: 3600 };

    const limited = await run();

    expect(limited).toHaveLength(1); // the organization hook is not tried under the same limit
    expect(limited[0]?.stoppedBy).toMatch(/403 You have exceeded a secondary rate limit/);
    expect(await db.githubRedelivery.count()).toBe(0);
    expect(await db.setting.count()).toBe(0);

    github.rateLimit = undefined;
    await run();
    expect(github.redeliveries).toHaveLength(2);
  });

  it("puts back its claim when the redelivery request itself is rate limited", async () => {
    github.deliveries.set(REPO_PATH, [fakeDelivery("guid-post-limited", 503, minutesAgo(5))]);
    github.rateLimit = { kind: "primary-429", times: 1, resetInSeconds: 3600, only: "POST" };

    const [limited] = await redeliverFailedDeliveries(db, client, [repositoryHook]);

    expect(limited).toMatchObject({ redelivered: 0, stoppedBy: expect.stringMatching(/^POST .*\/attempts: 429 API rate limit exceeded/) });
    expect(await db.githubRedelivery.count()).toBe(0);
    await redeliverFailedDeliveries(db, client, [repositoryHook]);
    expect(github.redeliveries).toHaveLength(1);
  });
});
