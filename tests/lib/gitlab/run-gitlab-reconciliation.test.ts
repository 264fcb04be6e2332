import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { parseConfig } from "@/lib/env";
import { startGitlabReconciliation } from "@/lib/gitlab/run-gitlab-reconciliation";
import { linkReleaseCommits } from "@/lib/trace/link-release-commits";
import { type FakeGitlab, fakeGitlabCommit, fakeGitlabProject, startFakeGitlab } from "../../support/fake-gitlab";
import { resetFleet } from "../../support/snapshot-builder";

const db = getDb();
const A = "a".repeat(40);
const B = "b".repeat(40);
const t0 = new Date("2026-03-10T09:00:00.000Z");

let gitlab: FakeGitlab;
beforeAll(async () => {
  gitlab = await startFakeGitlab();
});
afterAll(() => gitlab.close());
beforeEach(async () => {
  await resetFleet(db);
  await db.$executeRaw`TRUNCATE settings`;
  gitlab.requests.length = 0;
});

describe("startGitlabReconciliation", () => {
  it("without GITLAB_TOKEN does nothing, says which settings to set, and returns", async () => {
    const lines: string[] = [];
    await startGitlabReconciliation({ signal: new AbortController().signal, settings: parseConfig({ GITLAB_URL: gitlab.url }), log: (line) => lines.push(line), firstDelayMs: 0 });
    expect(lines).toEqual([expect.stringMatching(/^GitLab reconciliation is off: set GITLAB_TOKEN \(and GITLAB_URL/)]);
    expect(gitlab.requests).toEqual([]);
  });

  it("completes the instance's ranges on its interval, keeps the outcome in its settings row, and stops with the signal", async () => {
    const host = new URL(gitlab.url).host;
    const project = fakeGitlabProject({});
    project.graph.set(A, fakeGitlabCommit(gitlab.url, A, [], "a", t0));
    project.graph.set(B, fakeGitlabCommit(gitlab.url, B, [A], "b", new Date(t0.getTime() + 60_000)));
    gitlab.projects.set("acme/api", project);
    const service = await db.service.create({ data: { name: "api", repository: `${host}/acme/api` } });
    await db.release.create({ data: { serviceId: service.id, version: "v1", firstSeenAt: t0, commitSha: A } });
    const v2 = await db.release.create({ data: { serviceId: service.id, version: "v2", firstSeenAt: new Date(t0.getTime() + 60_000), commitSha: B } });
    await linkReleaseCommits(db, v2.id);

    const settings = parseConfig({ GITLAB_URL: gitlab.url, GITLAB_TOKEN: gitlab.token, GITLAB_RANGES_INTERVAL_SECONDS: "1" });
    const stop = new AbortController();
    const running = startGitlabReconciliation({ signal: stop.signal, settings, log: () => undefined, firstDelayMs: 0 });
    const deadline = Date.now() + 20_000;
    let row = await db.setting.findUnique({ where: { key: "gitlab_reconciliation:ranges" } });
    while (typeof (row?.value as { finishedAt?: unknown } | undefined)?.finishedAt !== "string" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      row = await db.setting.findUnique({ where: { key: "gitlab_reconciliation:ranges" } });
    }
    stop.abort();
    await running;
    expect(row?.value).toMatchObject({ ok: true, completed: 1, incomplete: 0, stoppedBy: null });
    expect(await db.release.findUniqueOrThrow({ where: { id: v2.id } })).toMatchObject({ commitsComplete: true });
  });

  it("refuses a GITLAB_URL ending in /api/v4, naming the setting", () => {
    expect(() => parseConfig({ GITLAB_URL: "https://gitlab.example.com/api/v4" })).toThrow(/GITLAB_URL.*without \/api\/v4/);
  });
});
