// The rollback routes (plan, request, approve, read) as Next calls them, with signed-in users of
// real sessions, on a real PostgreSQL, against a fake Argo CD named in ARGOCD_INSTANCES:
// happy paths, 400 reasons, 401/403 (viewer, an SRE of another team, cross-site), 404, 409 while
// a rollback is active, the auto-sync refusal explained in the plan, the Idempotency-Key header
// (a double click is one rollback), 20 concurrent requests → one rollback, and approval by a
// second person. Requested rollbacks start at once: the fake Argo CD sees the dry run and the
// rollback, and the rollback waits for Argo CD's sync.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as approveRoute } from "@/app/api/v1/rollbacks/[id]/approve/route";
import { GET as getRoute } from "@/app/api/v1/rollbacks/[id]/route";
import { POST as planRoute } from "@/app/api/v1/rollbacks/plan/route";
import { GET as listRoute, POST as requestRoute } from "@/app/api/v1/rollbacks/route";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { getDb } from "@/lib/db/client";
import { useDatabaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { type FakeArgoCd, startFakeArgoCd } from "../../../support/fake-argocd";
import { type TestUser, as, signIn, signedInRequest } from "../../../support/sign-in";
import { at, image, minutes, resetFleet, rollout } from "../../../support/snapshot-builder";

const db = getDb();
const t0 = new Date("2026-11-01T08:00:00.000Z");
let argo: FakeArgoCd;
let sre: TestUser;
let otherSre: TestUser;
let viewer: TestUser;
let otherTeamSre: TestUser;
let teamSre: TestUser;
let manual: { id: number; targetId: number };
let automated: { id: number; targetId: number };

type Params = { id: string };
type Handler = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

async function call(handler: Handler, user: TestUser | null, url: string, init: RequestInit & { json?: unknown } = {}, params: Params = { id: "" }) {
  const { json, ...rest } = init;
  const request = signedInRequest(user, url, json === undefined ? rest : { ...rest, body: JSON.stringify(json), headers: { "content-type": "application/json", ...(rest.headers as Record<string, string>) } });
  const response = await handler(request, { params: Promise.resolve(params) });
  return { status: response.status, body: (await response.json()) as any };
}

const plan = (user: TestUser | null, body: unknown, init: RequestInit = {}) => call(planRoute as Handler, user, "/api/v1/rollbacks/plan", { method: "POST", json: body, ...init });
const request = (user: TestUser | null, body: unknown, key: string | null = "dialog-key-0001", init: RequestInit = {}) =>
  call(requestRoute as Handler, user, "/api/v1/rollbacks", { method: "POST", json: body, headers: key === null ? {} : { "Idempotency-Key": key }, ...init });
const approve = (user: TestUser | null, id: number | string) => call(approveRoute as Handler, user, `/api/v1/rollbacks/${id}/approve`, { method: "POST" }, { id: String(id) });
const read = (user: TestUser | null, id: number | string) => call(getRoute as Handler, user, `/api/v1/rollbacks/${id}`, {}, { id: String(id) });
const list = (user: TestUser | null, query = "") => call(listRoute as Handler, user, `/api/v1/rollbacks${query}`);

const scopeOf = (app: { id: number }) => ({ kind: "application" as const, applicationId: app.id });
const body = (app: { id: number; targetId: number }, overrides: Record<string, unknown> = {}) => ({ scope: scopeOf(app), targetReleaseId: app.targetId, reason: "2.0.0 is degraded", ...overrides });

/** Points the app's configuration at the fake Argo CD (and the approval setting), as an operator would. */
function configure(approval: "none" | "production") {
  process.env.ARGOCD_INSTANCES = JSON.stringify([{ name: "argocd", url: argo.url, token: argo.token }]);
  process.env.SHIPLOG_ROLLBACK_APPROVAL = approval;
  useDatabaseUrl(process.env.DATABASE_URL!); // drops the cached configuration
}

/** payments: 1.0.0 healthy then 2.0.0 degraded, manual sync; orders: the same with auto-sync on. */
async function seed(service: string, automated: boolean) {
  const directory = new FleetDirectory();
  const app = {
    name: `${service}-prod`,
    labels: { "shiplog.io/service": service, "shiplog.io/environment": "prod", "shiplog.io/team": "core" },
    destination: { name: "eu-1", namespace: service },
    source: { repoUrl: "https://github.com/acme/deploy.git", path: `apps/${service}/eu-1`, targetRevision: "main" },
  };
  const initiatedBy = automated ? undefined : "dev@acme.dev";
  const v1 = [image(service, "1.0.0")];
  const v2 = [image(service, "2.0.0")];
  for (const snapshot of [
    ...rollout({ app, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11, initiatedBy }),
    ...rollout({ app, startedAt: at(t0, minutes(60)), from: v1, to: v2, revision: "r2", historyId: 12, initiatedBy, health: ["DEGRADED"] }),
  ]) {
    await recordApplicationSnapshot(db, directory, snapshot);
  }
  argo.applications.set(app.name, {
    metadata: { name: app.name, namespace: "argo-cd" },
    spec: automated ? { syncPolicy: { automated: { prune: true } } } : {},
    status: { history: [{ id: 11 }, { id: 12 }] },
  });
  const row = await db.application.findFirstOrThrow({ where: { name: app.name } });
  const target = await db.release.findFirstOrThrow({ where: { version: "1.0.0", service: { name: service } } });
  return { id: row.id, targetId: target.id };
}

/** Requested rollbacks start in the background: wait until it has left approved/executing. */
async function settled(id: number) {
  for (let tries = 0; tries < 100; tries += 1) {
    const row = await db.rollback.findUniqueOrThrow({ where: { id } });
    if (row.state !== "APPROVED" && row.state !== "EXECUTING") return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`rollback ${id} is still starting after 5 s`);
}

beforeAll(async () => {
  argo = await startFakeArgoCd();
  configure("none");
  await resetFleet(db);
  manual = await seed("payments", false);
  automated = await seed("orders", true);
  const team = await db.team.findFirstOrThrow({ where: { slug: "core" } });
  sre = await signIn(as("sre"));
  otherSre = await signIn(as("sre"));
  viewer = await signIn(as("viewer"));
  teamSre = await signIn(as("sre", team.id));
  const other = await db.team.create({ data: { slug: "other", name: "Other" } });
  otherTeamSre = await signIn(as("sre", other.id));
});
afterAll(async () => {
  await argo.close();
  delete process.env.ARGOCD_INSTANCES;
  delete process.env.SHIPLOG_ROLLBACK_APPROVAL;
});
beforeEach(async () => {
  configure("none");
  await db.$executeRaw`TRUNCATE rollback_transitions, rollbacks RESTART IDENTITY CASCADE`;
  argo.rollbacks.length = 0;
  argo.failWith = undefined;
});

describe("POST /api/v1/rollbacks/plan", () => {
  it("plans an Argo CD rollback to the last healthy release with a dry run, for an SRE of the team", async () => {
    const answer = await plan(teamSre, { scope: scopeOf(manual), dryRun: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      fromRelease: { version: "2.0.0" },
      target: { id: manual.targetId, version: "1.0.0" },
      method: "ARGOCD",
      approvalRequired: false,
      executable: true,
      autoSyncApplications: [],
      candidates: [{ version: "1.0.0", isDefault: true }],
      applications: [{ name: "payments-prod", cluster: { name: "eu-1" }, method: "ARGOCD", argoHistoryId: 11, dryRun: { status: "passed" } }],
    });
    expect(argo.rollbacks).toEqual([expect.objectContaining({ name: "payments-prod", id: 11, dryRun: true })]);
  });

  it("explains that Argo CD refuses while auto-sync is on (and GitHub is not configured for a pull request)", async () => {
    const answer = await plan(sre, { scope: scopeOf(automated), dryRun: true });
    expect(answer.status).toBe(200);
    expect(answer.body.executable).toBe(false);
    expect(answer.body.autoSyncApplications).toEqual(["orders-prod"]);
    expect(answer.body.blockers.join(" ")).toMatch(/auto-sync/i);
    expect(argo.rollbacks).toEqual([]);
  });

  it("400 with the reason, 404 for unknown ids, 401 without a session, 403 for viewers, other teams and cross-site requests", async () => {
    const bad = await plan(sre, { scope: { kind: "cluster", clusterId: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/scope/);
    expect((await plan(sre, { scope: { kind: "application", applicationId: 999_999 } })).body.error).toMatchObject({ code: "not_found", message: "Application 999999 does not exist." });
    expect((await plan(null, { scope: scopeOf(manual) })).status).toBe(401);
    const refused = await plan(viewer, { scope: scopeOf(manual) });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/needs the sre role/);
    expect((await plan(otherTeamSre, { scope: scopeOf(manual) })).status).toBe(403);
    expect((await plan(sre, { scope: scopeOf(manual) }, { headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect(argo.rollbacks).toEqual([]);
  });
});

describe("POST /api/v1/rollbacks/plan with a release scope", () => {
  it("answers the selection it used and the choices with counts; a bad selection is a 400 naming what is wrong", async () => {
    const release = await db.release.findFirstOrThrow({ where: { version: "2.0.0", service: { name: "payments" } } });
    const answer = await plan(sre, { scope: { kind: "release", releaseId: release.id } });
    expect(answer.status).toBe(200);
    // Its only application is degraded: none is healthy, so the default is all of them.
    expect(answer.body.scope).toEqual({ kind: "release", releaseId: release.id, select: { by: "all" } });
    expect(answer.body.scopeChoices).toMatchObject({ applications: 1, degradedOrFailed: 1, defaulted: true, environments: [{ name: "prod", applications: 1, degradedOrFailed: 1 }], clusters: [{ name: "eu-1" }] });
    expect(answer.body.groups).toEqual([expect.objectContaining({ environment: "prod", applications: 1, clusters: 1 })]);
    expect(answer.body.selectionDigest).toMatch(/^sel_[0-9a-f]{24}$/);

    const region = await plan(sre, { scope: { kind: "release", releaseId: release.id, select: { by: "regions", regions: ["mars-1"] } } });
    expect(region.status).toBe(400);
    expect(region.body.error.message).toBe('2.0.0 does not run in region "mars-1"; it runs in (no region: null).');
    const kind = await plan(sre, { scope: { kind: "release", releaseId: release.id, select: { by: "everything" } } });
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toMatch(/^scope\.select\.by: /);
    const empty = await plan(sre, { scope: { kind: "release", releaseId: release.id, select: { by: "clusters", clusters: [] } } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe("scope.select.clusters: choose at least one cluster");
    // Scope errors come after authorization: a viewer learns nothing about the release's clusters.
    expect((await plan(viewer, { scope: { kind: "release", releaseId: release.id, select: { by: "regions", regions: ["mars-1"] } } })).status).toBe(403);
    expect(argo.rollbacks).toEqual([]);
  });

  it("a request whose selection digest no longer matches is refused (409) and makes nothing", async () => {
    const release = await db.release.findFirstOrThrow({ where: { version: "2.0.0", service: { name: "payments" } } });
    const stale = await request(sre, { scope: { kind: "release", releaseId: release.id, select: { by: "all" } }, targetReleaseId: manual.targetId, reason: "bad", selectionDigest: "sel_000000000000000000000000" });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "conflict", details: { reason: "selection_changed", applications: 1 } });
    expect(await db.rollback.count()).toBe(0);
  });
});

describe("POST /api/v1/rollbacks", () => {
  it("requests a rollback that starts at once: Argo CD gets a dry run then the rollback; the same Idempotency-Key again is the same rollback", async () => {
    const first = await request(sre, body(manual));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ replayed: false, state: "APPROVED", approvalRequired: false, rollbackIds: [expect.any(Number)] });
    const id = first.body.rollbackIds[0];
    expect(first.body.url).toBe(`/rollbacks/${id}`);

    const again = await request(sre, body(manual));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ replayed: true, rollbackIds: [id] });

    expect((await settled(id)).state).toBe("WAITING_FOR_SYNC");
    expect(argo.rollbacks.map((call) => [call.name, call.id, call.dryRun])).toEqual([
      ["payments-prod", 11, true],
      ["payments-prod", 11, false],
    ]);
    expect(await db.rollback.count()).toBe(1);

    const shown = await read(viewer, id);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, state: "WAITING_FOR_SYNC", finished: false, rollbacks: [{ id, requestedBy: sre.email, reason: "2.0.0 is degraded", toRelease: { version: "1.0.0" } }] });
    expect(shown.body.rollbacks[0].transitions.map((transition: { toState: string }) => transition.toState)).toEqual(["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC"]);
  });

  it("409 names the active rollback when another SRE asks for the same application", async () => {
    const first = await request(sre, body(manual));
    const id = first.body.rollbackIds[0];
    await settled(id);
    const second = await request(otherSre, body(manual), "another-dialog-key");
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: "conflict", message: `payments-prod is already being rolled back (rollback #${id}, waiting for sync).`, details: { rollbackId: id } });
  });

  it("20 concurrent requests for one application (different people and keys) → one rollback, 19 answers naming it", async () => {
    const people = [sre, otherSre, teamSre];
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => request(people[index % 3]!, body(manual), `concurrent-key-${index}`)));
    const rows = await db.rollback.findMany();
    expect(rows).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(19);
    for (const answer of refused) expect(answer.body.error.details.rollbackId).toBe(rows[0]!.id);
    await settled(rows[0]!.id);
    expect(argo.rollbacks.filter((call) => !call.dryRun)).toHaveLength(1);
  });

  it("400 without an Idempotency-Key or a reason, or with a target that is not earlier; 403 for viewers and other teams; nothing created", async () => {
    const noKey = await request(sre, body(manual), null);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toMatch(/Idempotency-Key header is required/);
    const noReason = await request(sre, body(manual, { reason: "   " }));
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toBe("reason: a reason is required");
    const badTarget = await request(sre, body(manual, { targetReleaseId: 999_999 }));
    expect(badTarget.status).toBe(400);
    expect((await request(viewer, body(manual))).status).toBe(403);
    expect((await request(otherTeamSre, body(manual))).status).toBe(403);
    expect((await request(null, body(manual))).status).toBe(401);
    expect((await request(sre, body(manual), "dialog-key-0001", { headers: { "Idempotency-Key": "dialog-key-0001", origin: "https://evil.example" } })).status).toBe(403);
    expect(await db.rollback.count()).toBe(0);
    expect(argo.rollbacks).toEqual([]);
  });

  it("auto-sync on and no GitHub: 400 explaining why, in plain words", async () => {
    const answer = await request(sre, body(automated));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/auto-sync/i);
  });

  it("an Argo CD failure while executing fails the rollback with Argo CD's refusal in plain words", async () => {
    argo.failWith = { status: 403, message: "permission denied: applications, sync, default/payments-prod" };
    const answer = await request(sre, body(manual));
    expect(answer.status).toBe(201);
    const row = await settled(answer.body.rollbackIds[0]);
    expect(row.state).toBe("FAILED");
    const shown = await read(sre, row.id);
    expect(shown.body).toMatchObject({ state: "FAILED", finished: true });
    expect(shown.body.rollbacks[0].error).toMatch(/Dry run refused, nothing was changed\. Argo CD refused: Shiplog's token may not roll back payments-prod \(403/);
    expect(JSON.stringify(shown.body)).not.toContain(argo.token);
  });
});

describe("POST /api/v1/rollbacks/{id}/approve", () => {
  it("production waits for a second SRE: the requester cannot approve (403), a viewer cannot (403), another SRE can, and it starts", async () => {
    configure("production");
    const requested = await request(sre, body(manual));
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ state: "REQUESTED", approvalRequired: true });
    const id = requested.body.rollbackIds[0];
    expect(argo.rollbacks).toEqual([]);

    const own = await approve(sre, id);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toBe("You requested this rollback, so someone else must approve it.");
    expect((await approve(viewer, id)).status).toBe(403);
    expect((await approve(otherTeamSre, id)).status).toBe(403);
    expect((await approve(null, id)).status).toBe(401);

    const pending = await list(viewer, "?state=requested");
    expect(pending.body.items.map((item: { id: number }) => item.id)).toEqual([id]);

    const approved = await approve(teamSre, id);
    expect(approved.status).toBe(200);
    expect(approved.body.rollbacks[0]).toMatchObject({ approvedBy: teamSre.email });
    expect((await settled(id)).state).toBe("WAITING_FOR_SYNC");
    expect(argo.rollbacks.filter((call) => !call.dryRun)).toHaveLength(1);

    const twice = await approve(otherSre, id);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/is not waiting for approval \(it is waiting for sync\)/);
    expect((await approve(otherSre, 999_999)).status).toBe(404);
    expect((await approve(otherSre, "abc")).status).toBe(400);
  });
});

describe("GET /api/v1/rollbacks and /api/v1/rollbacks/{id}", () => {
  it("lists newest first, keyset-paged, filtered by state and service; 400 names a bad filter; 404 for an unknown id; 401 without a session", async () => {
    const a = (await request(sre, body(manual))).body.rollbackIds[0];
    await settled(a);
    await db.rollback.update({ where: { id: a }, data: { state: "FAILED", finishedAt: new Date() } });
    const b = (await request(sre, body(manual), "second-dialog-key")).body.rollbackIds[0];
    await settled(b);

    const first = await list(viewer, "?limit=1");
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { id: number }) => item.id)).toEqual([b]);
    expect(first.body.items[0]).toMatchObject({ service: "payments", application: { name: "payments-prod", cluster: "eu-1", environment: "prod" }, toRelease: { version: "1.0.0" } });
    const second = await list(viewer, `?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { id: number }) => item.id)).toEqual([a]);
    expect(second.body.nextCursor).toBeNull();

    expect((await list(viewer, "?state=finished")).body.items.map((item: { id: number }) => item.id)).toEqual([a]);
    expect((await list(viewer, "?state=active")).body.items.map((item: { id: number }) => item.id)).toEqual([b]);
    expect((await list(viewer, "?service=orders")).body.items).toEqual([]);
    const bad = await list(viewer, "?state=done");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^state: must be one of active, finished/);
    expect((await list(viewer, "?cursor=nonsense")).status).toBe(400);
    expect((await list(null)).status).toBe(401);

    expect((await read(viewer, 999_999)).status).toBe(404);
    expect((await read(viewer, "0")).status).toBe(400);
    expect((await read(null, a)).status).toBe(401);
  });
});
