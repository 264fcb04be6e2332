import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { parseConfig } from "@/lib/env";
import { startGithubReconciliation } from "@/lib/github/run-github-reconciliation";
import { linkReleaseCommits } from "@/lib/trace/link-release-commits";
import { fakeCommit, fakeDelivery, startFakeGithub, type FakeGithub } from "../../support/fake-github";
import { resetFleet } from "../../support/snapshot-builder";

const db = getDb();
const sha = (name: string) => createHash("sha1").update(name).digest("hex");
const t0 = new Date("2026-03-10T09:00:00.000Z");

let github: FakeGithub;
beforeAll(async () => {
  github = await startFakeGithub();
});
afterAll(() => github.close());
beforeEach(async () => {
  await resetFleet(db);
  await db.$executeRaw`TRUNCATE settings, github_redeliveries, github_responses, webhook_deliveries`;
  github.requests.length = 0;
  github.redeliveries.length = 0;
});

/** Waits until `done` holds, polling the database. */
async function until(done: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const finished = (job: string) => async () => {
  const row = await db.setting.findUnique({ where: { key: `github_reconciliation:${job}` } });
  return typeof (row?.value as { finishedAt?: unknown } | undefined)?.finishedAt === "string";
};

describe("startGithubReconciliation", () => {
  it("without a GitHub credential does nothing, says so once, and returns", async () => {
    const lines: string[] = [];
    const settings = parseConfig({ GITHUB_API_URL: github.url, GITHUB_WEBHOOK_HOOKS: "acme/api:1", GITHUB_RANGES_INTERVAL_SECONDS: "1" });
    await startGithubReconciliation({ signal: new AbortController().signal, settings, log: (line) => lines.push(line), firstDelayMs: 0 });
    expect(lines).toEqual([expect.stringMatching(/^reconciliation is off: set GITHUB_TOKEN \(or GITHUB_APP_ID/)]);
    expect(github.requests).toEqual([]);
  });

  it("runs both jobs on their intervals, one worker per turn, until the signal aborts", async () => {
    const service = await db.service.create({ data: { name: "api", repository: "acme/api" } });
    await db.release.create({ data: { serviceId: service.id, version: "v1", firstSeenAt: t0, commitSha: sha("a") } });
    const v2 = await db.release.create({ data: { serviceId: service.id, version: "v2", firstSeenAt: new Date(t0.getTime() + 60_000), commitSha: sha("b") } });
    await linkReleaseCommits(db, v2.id);
    github.comparisons.set(`acme/api ${sha("a")}...${sha("b")}`, {
      status: "ahead",
      ahead_by: 1,
      behind_by: 0,
      base_commit: fakeCommit(sha("a"), null, "a", t0),
      commits: [fakeCommit(sha("b"), sha("a"), "b", t0)],
    });
    github.deliveries.set("/repos/acme/api/hooks/1", [fakeDelivery("guid-run", 503, new Date(Date.now() - 60_000))]);
    const settings = parseConfig({
      GITHUB_TOKEN: github.token,
      GITHUB_API_URL: github.url,
      GITHUB_WEBHOOK_HOOKS: "acme/api:1",
      GITHUB_RANGES_INTERVAL_SECONDS: "60",
      GITHUB_REDELIVERY_INTERVAL_SECONDS: "60",
    });
    const lines: string[] = [];
    const stop = new AbortController();
    // Two workers with the same settings, as with SHIPLOG_INLINE_WORKER and a separate worker.
    const workers = [0, 1].map(() => startGithubReconciliation({ signal: stop.signal, settings, log: (line) => lines.push(line), firstDelayMs: 0 }));

    await until(finished("ranges"));
    await until(finished("redelivery"));
    stop.abort();
    await Promise.all(workers);

    expect((await db.release.findUniqueOrThrow({ where: { id: v2.id } })).commitsComplete).toBe(true);
    expect(github.requests.filter((request) => request.path.includes("/compare/"))).toHaveLength(1);
    expect(github.redeliveries).toHaveLength(1);
    const ranges = await db.setting.findUniqueOrThrow({ where: { key: "github_reconciliation:ranges" } });
    expect(ranges.value).toMatchObject({ ok: true, completed: 1, stoppedBy: null });
    expect(lines).toContain("release ranges: 1 completed, 0 left incomplete, 0 answered from cache");
    for (const line of lines) expect(line).not.toContain(github.token);
  });
});
