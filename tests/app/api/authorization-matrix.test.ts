// The authorization matrix, generated from the filesystem: every route handler under app/api that
// exports POST, PUT, PATCH or DELETE must have a row in EXPECTATIONS (a new route without one
// fails here), and is called as {anonymous, viewer, engineer, sre of another team, sre of the
// service's team, fleet-wide sre, admin} → 401, 403 or its success status; then again with a
// cross-site Origin (403 for everyone) and, signed in, with no Origin at all (403). Every GET
// under /api/v1 answers 401 to an anonymous caller. Only the webhooks (own credentials) and
// Better Auth's sign-in endpoints are exempt, and the test checks they are the only exemptions.
// Then every row again with each role's API token (Authorization: Bearer, no cookie, no Origin, as
// curl sends it): a token gets exactly what a session of its role gets, on every route, except
// that a token cannot create tokens or change a password; every GET under /api/v1 answers a role's token as it answers
// the role's session.
import { readdir, readFile } from "node:fs/promises";
import { hashPassword } from "better-auth/crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { createApiToken } from "@/lib/api-tokens/create-api-token";
import { createApiTokenBody } from "@/lib/api-tokens/api-token-view";
import type { Grant } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { useDatabaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { type FakeArgoCd, startFakeArgoCd } from "../../support/fake-argocd";
import { type TestUser, signIn, signedInRequest } from "../../support/sign-in";
import { at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const appDir = path.resolve(import.meta.dirname, "../../../app");
const STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"] as const;
const db = getDb();

const ROLE_NAMES = ["anonymous", "viewer", "engineer", "sreOtherTeam", "sreTeam", "sre", "admin"] as const;
type RoleName = (typeof ROLE_NAMES)[number];

/** What one call needs: the URL path (with query), the dynamic segments, a JSON body, extra headers. */
type Attempt = { url: string; params?: Record<string, string>; body?: unknown; headers?: Record<string, string> };
type Expectation = {
  /** Who gets the success status; every other signed-in role gets 403, anonymous 401. */
  allowed: readonly RoleName[];
  success: number;
  /** Builds a fresh call (its own fixtures), so each allowed role's call can succeed on its own. */
  prepare: () => Promise<Attempt>;
  /** Waits for work the call started in the background (rollbacks execute after answering). */
  settle?: () => Promise<void>;
};

// Routes with their own credentials instead of a session, and why.
const EXEMPT: Record<string, string> = {
  "/api/webhooks/argocd": "bearer token (webhook-tokens)",
  "/api/webhooks/build": "bearer token (webhook-tokens)",
  "/api/webhooks/deployments": "bearer token (webhook-tokens)",
  "/api/webhooks/github": "HMAC signature (GITHUB_WEBHOOK_SECRET)",
  "/api/webhooks/gitlab": "X-Gitlab-Token (GITLAB_WEBHOOK_SECRET or webhook-tokens)",
  "/api/webhooks/flux": "X-Signature HMAC (FLUX_WEBHOOK_SECRET) or a Flux webhook token",
  "/api/auth/[...all]": "Better Auth's sign-in and sign-out: must answer people without a session; it checks origins itself",
};

const ADMIN: readonly RoleName[] = ["admin"];
const ENGINEERS: readonly RoleName[] = ["engineer", "sre", "admin"];
// The rollback permission for the service's team: its SREs, fleet-wide SREs and admins.
const ROLLERS: readonly RoleName[] = ["sreTeam", "sre", "admin"];

let users: Record<Exclude<RoleName, "anonymous">, TestUser>;
let tokens: Record<Exclude<RoleName, "anonymous">, string>;
let requester: TestUser;
let argo: FakeArgoCd;
let payments: { id: number; targetId: number };
let sequence = 0;
const next = () => (sequence += 1);

async function delivery() {
  return db.webhookDelivery.create({ data: { source: "GITHUB", deliveryId: `m-${next()}`, event: "push", body: "{}", status: "FAILED", attempts: 3, lastError: "boom" } });
}
async function plainUser() {
  const n = next();
  return db.user.create({ data: { id: `matrix-user-${n}`, name: `Matrix ${n}`, email: `matrix-${n}@shiplog.test` } });
}
async function noRollbacks() {
  await settleRollbacks();
  await db.$executeRaw`TRUNCATE rollback_transitions, rollbacks RESTART IDENTITY CASCADE`;
}
async function settleRollbacks() {
  for (let tries = 0; tries < 100; tries += 1) {
    if ((await db.rollback.count({ where: { state: { in: ["APPROVED", "EXECUTING"] } } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("a rollback is still starting after 5 s");
}
const KNOWN_PASSWORD = "matrix-known-password";
let knownPasswordHash: string | undefined;
async function noPromotions() {
  await settlePromotions();
  await db.$executeRaw`TRUNCATE promotion_steps, promotion_applications, promotion_waves, promotions RESTART IDENTITY CASCADE`;
}
/** Waits until no running promotion has a wave or application still to start (approve and resume start one after answering). */
async function settlePromotions() {
  for (let tries = 0; tries < 100; tries += 1) {
    const busy = await db.promotion.count({
      where: { state: "RUNNING", OR: [{ waves: { some: { state: "PENDING", index: 0 } } }, { applications: { some: { state: { in: ["PENDING", "EXECUTING"] } } } }] },
    });
    if (busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("a promotion is still starting after 5 s");
}
/** A promotion of payments 1.0.0 into prod, requested by someone else (waiting for approval: SHIPLOG_PROMOTION_APPROVAL=production), then put in `state`. */
async function promotionIn(state: "AWAITING_APPROVAL" | "RUNNING" | "PAUSED") {
  await noPromotions();
  const requested = await signedCall("POST /api/v1/promotions", requester, { url: "/api/v1/promotions", body: promotionBody(), headers: { "Idempotency-Key": `matrix-promo-${next()}` } });
  if (requested.status !== 201) throw new Error(`requesting the promotion failed: ${requested.status} ${JSON.stringify(requested.body)}`);
  const id = String(requested.body.promotionId);
  await db.promotion.update({ where: { id: Number(id) }, data: { state } });
  if (state !== "AWAITING_APPROVAL") {
    // As if its first wave had started: its change made, waiting for Argo CD.
    await db.promotionWave.updateMany({ where: { promotionId: Number(id), index: 0 }, data: { state: "RUNNING", startedAt: new Date() } });
    await db.promotionApplication.updateMany({ where: { promotionId: Number(id) }, data: { state: "WAITING", changedAt: new Date() } });
  }
  return id;
}
const promotionBody = () => ({ releaseId: payments.targetId, environment: "prod", reason: "matrix: 1.0.0 to prod" });

const rollbackBody = () => ({ scope: { kind: "application", applicationId: payments.id }, targetReleaseId: payments.targetId, reason: "matrix: 2.0.0 is degraded" });

const EXPECTATIONS: Record<string, Expectation> = {
  "POST /api/v1/deliveries/[id]/replay": {
    allowed: ENGINEERS,
    success: 202,
    prepare: async () => {
      const stored = await delivery();
      return { url: `/api/v1/deliveries/${stored.id}/replay`, params: { id: String(stored.id) } };
    },
  },
  "POST /api/v1/deliveries/replay": { allowed: ENGINEERS, success: 202, prepare: async () => ({ url: "/api/v1/deliveries/replay?source=github" }) },
  "PUT /api/v1/metrics/definitions": {
    allowed: ADMIN,
    success: 200,
    prepare: async () => ({ url: "/api/v1/metrics/definitions", body: { productionEnvironments: null, failureStatuses: ["FAILED"], leadTimeStart: "commit" } }),
  },
  "POST /api/v1/users/[id]/grants": {
    allowed: ADMIN,
    success: 200,
    prepare: async () => {
      const user = await plainUser();
      return { url: `/api/v1/users/${user.id}/grants`, params: { id: user.id }, body: { role: "viewer", teamId: null } };
    },
  },
  "DELETE /api/v1/users/[id]/grants/[grantId]": {
    allowed: ADMIN,
    success: 204,
    prepare: async () => {
      const user = await plainUser();
      const grant = await db.roleGrant.create({ data: { userId: user.id, role: "engineer", source: "manual" } });
      return { url: `/api/v1/users/${user.id}/grants/${grant.id}`, params: { id: user.id, grantId: String(grant.id) } };
    },
  },
  "DELETE /api/v1/users/[id]/sessions": {
    allowed: ADMIN,
    success: 200,
    prepare: async () => {
      const user = await plainUser();
      return { url: `/api/v1/users/${user.id}/sessions`, params: { id: user.id } };
    },
  },
  "POST /api/v1/webhook-tokens": { allowed: ADMIN, success: 201, prepare: async () => ({ url: "/api/v1/webhook-tokens", body: { source: "build", name: `matrix-${next()}` } }) },
  "DELETE /api/v1/webhook-tokens/[id]": {
    allowed: ADMIN,
    success: 200,
    prepare: async () => {
      const token = await db.webhookToken.create({ data: { source: "BUILD", name: `doomed-${next()}`, tokenHash: `hash-${next()}` } });
      return { url: `/api/v1/webhook-tokens/${token.id}`, params: { id: String(token.id) } };
    },
  },
  "POST /api/v1/tokens": { allowed: ROLE_NAMES.filter((role) => role !== "anonymous"), success: 201, prepare: async () => ({ url: "/api/v1/tokens", body: { name: `matrix-${next()}`, role: "viewer" } }) },
  "DELETE /api/v1/tokens/[id]": {
    // Someone else's token: only an admin revokes it (owners revoking their own: tests/lib/api-tokens).
    allowed: ADMIN,
    success: 200,
    prepare: async () => {
      const owner = await plainUser();
      const token = await db.apiToken.create({
        data: { kind: "personal", name: "doomed", tokenHash: `hash-${next()}`, hint: "shiplog_pat_xxxx", role: "viewer", userId: owner.id, expiresAt: new Date(Date.now() + 86_400_000) },
      });
      return { url: `/api/v1/tokens/${token.id}`, params: { id: String(token.id) } };
    },
  },
  "POST /api/v1/account/password": {
    // Everyone signed in changes their own; each call starts from the same known password.
    allowed: ROLE_NAMES.filter((role) => role !== "anonymous"),
    success: 200,
    prepare: async () => {
      knownPasswordHash ??= await hashPassword(KNOWN_PASSWORD);
      await db.account.updateMany({ where: { providerId: "credential", userId: { in: Object.values(users).map((user) => user.userId) } }, data: { password: knownPasswordHash } });
      return { url: "/api/v1/account/password", body: { currentPassword: KNOWN_PASSWORD, newPassword: `matrix-new-password-${next()}` } };
    },
  },
  "POST /api/v1/rollbacks/plan": {
    allowed: ROLLERS,
    success: 200,
    prepare: async () => ({ url: "/api/v1/rollbacks/plan", body: { scope: { kind: "application", applicationId: payments.id } } }),
  },
  "POST /api/v1/rollbacks": {
    allowed: ROLLERS,
    success: 201,
    prepare: async () => {
      await noRollbacks();
      return { url: "/api/v1/rollbacks", body: rollbackBody(), headers: { "Idempotency-Key": `matrix-key-${next()}` } };
    },
    settle: settleRollbacks,
  },
  "POST /api/v1/promotions": {
    allowed: ROLLERS,
    success: 201,
    prepare: async () => {
      await noPromotions();
      return { url: "/api/v1/promotions", body: promotionBody(), headers: { "Idempotency-Key": `matrix-key-${next()}` } };
    },
  },
  "POST /api/v1/promotions/[id]/approve": {
    allowed: ROLLERS,
    success: 200,
    prepare: async () => {
      const id = await promotionIn("AWAITING_APPROVAL");
      return { url: `/api/v1/promotions/${id}/approve`, params: { id } };
    },
    settle: settlePromotions,
  },
  "POST /api/v1/promotions/[id]/pause": {
    allowed: ROLLERS,
    success: 200,
    prepare: async () => {
      const id = await promotionIn("RUNNING");
      return { url: `/api/v1/promotions/${id}/pause`, params: { id } };
    },
  },
  "POST /api/v1/promotions/[id]/resume": {
    allowed: ROLLERS,
    success: 200,
    prepare: async () => {
      const id = await promotionIn("PAUSED");
      return { url: `/api/v1/promotions/${id}/resume`, params: { id } };
    },
    settle: settlePromotions,
  },
  "POST /api/v1/promotions/[id]/abort": {
    allowed: ROLLERS,
    success: 200,
    prepare: async () => {
      const id = await promotionIn("AWAITING_APPROVAL");
      return { url: `/api/v1/promotions/${id}/abort`, params: { id } };
    },
  },
  "POST /api/v1/rollbacks/[id]/approve": {
    allowed: ROLLERS,
    success: 200,
    prepare: async () => {
      await noRollbacks();
      // Production needs a second person: someone else requests, the role under test approves.
      const requested = await signedCall("POST /api/v1/rollbacks", requester, { url: "/api/v1/rollbacks", body: rollbackBody(), headers: { "Idempotency-Key": `matrix-req-${next()}` } });
      if (requested.status !== 201) throw new Error(`requesting the rollback to approve failed: ${requested.status} ${JSON.stringify(requested.body)}`);
      const id = String(requested.body.rollbackIds[0]);
      return { url: `/api/v1/rollbacks/${id}/approve`, params: { id } };
    },
    settle: settleRollbacks,
  },
};

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteFile = { route: string; module: Record<string, unknown> };

async function routeFiles(under: string): Promise<RouteFile[]> {
  const files = (await readdir(path.join(appDir, under), { recursive: true })).filter((file) => path.basename(file) === "route.ts");
  return Promise.all(
    files.map(async (file) => ({
      route: `/${under}/${path.dirname(file).split(path.sep).join("/")}`,
      module: (await import(path.join(appDir, under, file))) as Record<string, unknown>,
    })),
  );
}

let handlers: Map<string, Handler>;

/** The call as a script sends it: the role's API token as Bearer, no cookie, no Origin. */
async function tokenCall(key: string, role: RoleName, attempt: Attempt) {
  const [method] = key.split(" ");
  const headers = new Headers({ ...(attempt.body === undefined ? {} : { "content-type": "application/json" }), ...attempt.headers });
  if (role !== "anonymous") headers.set("authorization", `Bearer ${tokens[role]}`);
  const request = new Request(new URL(attempt.url, "http://shiplog.test"), { method, headers, body: attempt.body === undefined ? undefined : JSON.stringify(attempt.body) });
  const response = await handlers.get(key)!(request, { params: Promise.resolve(attempt.params ?? {}) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : null };
}

async function signedCall(key: string, user: TestUser | null, attempt: Attempt, origin: "own" | "cross-site" | "none" = "own") {
  const [method] = key.split(" ");
  const headers = new Headers({ ...(attempt.body === undefined ? {} : { "content-type": "application/json" }), ...attempt.headers });
  if (origin === "cross-site") headers.set("origin", "https://evil.example");
  let request = signedInRequest(user, attempt.url, { method, headers, body: attempt.body === undefined ? undefined : JSON.stringify(attempt.body) });
  if (origin === "none") {
    const bare = new Headers(request.headers);
    bare.delete("origin");
    request = new Request(request.url, { method, headers: bare, body: attempt.body === undefined ? undefined : JSON.stringify(attempt.body) });
  }
  const response = await handlers.get(key)!(request, { params: Promise.resolve(attempt.params ?? {}) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : null };
}

function userOf(role: RoleName): TestUser | null {
  return role === "anonymous" ? null : users[role];
}

beforeAll(async () => {
  argo = await startFakeArgoCd();
  process.env.ARGOCD_INSTANCES = JSON.stringify([{ name: "argocd", url: argo.url, token: argo.token }]);
  process.env.SHIPLOG_ROLLBACK_APPROVAL = "production";
  process.env.SHIPLOG_PROMOTION_APPROVAL = "production";
  useDatabaseUrl(process.env.DATABASE_URL!); // drops the cached configuration
  await resetFleet(db);
  payments = await seedPayments();
  const core = await db.team.findFirstOrThrow({ where: { slug: "core" } });
  const other = await db.team.create({ data: { slug: "other", name: "Other" } });
  const grants: Record<Exclude<RoleName, "anonymous">, Grant[]> = {
    viewer: [{ role: "viewer", teamId: null }],
    engineer: [{ role: "engineer", teamId: null }],
    sreOtherTeam: [{ role: "viewer", teamId: null }, { role: "sre", teamId: other.id }],
    sreTeam: [{ role: "viewer", teamId: null }, { role: "sre", teamId: core.id }],
    sre: [{ role: "sre", teamId: null }],
    admin: [{ role: "admin", teamId: null }],
  };
  users = Object.fromEntries(await Promise.all(Object.entries(grants).map(async ([role, given]) => [role, await signIn(given)]))) as typeof users;
  requester = await signIn([{ role: "sre", teamId: null }]);
  // Each role's token: its highest grant's role and team (what a person of that role would make for a script).
  const scopes: Record<Exclude<RoleName, "anonymous">, { role: Grant["role"]; teamId: number | null }> = {
    viewer: { role: "viewer", teamId: null },
    engineer: { role: "engineer", teamId: null },
    sreOtherTeam: { role: "sre", teamId: other.id },
    sreTeam: { role: "sre", teamId: core.id },
    sre: { role: "sre", teamId: null },
    admin: { role: "admin", teamId: null },
  };
  tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(scopes).map(async ([role, scope]) => {
        const user = users[role as keyof typeof users];
        const creator = { id: user.userId, email: user.email, grants: user.grants };
        const created = await createApiToken(creator, createApiTokenBody.parse({ name: `matrix ${role}`, ...scope }), { actor: user.email, requestId: null });
        return [role, created.token];
      }),
    ),
  ) as typeof tokens;

  handlers = new Map();
  for (const { route, module } of await routeFiles("api")) {
    for (const method of STATE_CHANGING) if (typeof module[method] === "function") handlers.set(`${method} ${route}`, module[method] as Handler);
  }
}, 60_000);

afterAll(async () => {
  await settleRollbacks().catch(() => undefined);
  await settlePromotions().catch(() => undefined);
  await argo?.close();
  delete process.env.ARGOCD_INSTANCES;
  delete process.env.SHIPLOG_ROLLBACK_APPROVAL;
  delete process.env.SHIPLOG_PROMOTION_APPROVAL;
});

/** payments in team core: 1.0.0 healthy, then 2.0.0 degraded (manual sync, so Argo CD can roll it back). */
async function seedPayments() {
  const t0 = new Date("2026-11-01T08:00:00.000Z");
  const directory = new FleetDirectory();
  const app = {
    name: "payments-prod",
    labels: { "shiplog.io/service": "payments", "shiplog.io/environment": "prod", "shiplog.io/team": "core" },
    destination: { name: "eu-1", namespace: "payments" },
    source: { repoUrl: "https://github.com/acme/deploy.git", path: "apps/payments/eu-1", targetRevision: "main" },
  };
  const v1 = [image("payments", "1.0.0")];
  const v2 = [image("payments", "2.0.0")];
  for (const snapshot of [
    ...rollout({ app, startedAt: t0, from: [], to: v1, revision: "r1", historyId: 11, initiatedBy: "dev@acme.dev" }),
    ...rollout({ app, startedAt: at(t0, minutes(60)), from: v1, to: v2, revision: "r2", historyId: 12, initiatedBy: "dev@acme.dev", health: ["DEGRADED"] }),
  ]) {
    await recordApplicationSnapshot(db, directory, snapshot);
  }
  argo.applications.set(app.name, { metadata: { name: app.name, namespace: "argo-cd" }, spec: {}, status: { history: [{ id: 11 }, { id: 12 }] } });
  const row = await db.application.findFirstOrThrow({ where: { name: app.name } });
  const target = await db.release.findFirstOrThrow({ where: { version: "1.0.0", service: { name: "payments" } } });
  return { id: row.id, targetId: target.id };
}

describe("the authorization matrix", () => {
  it("names every state-changing route; only webhooks and sign-in are exempt", () => {
    const found = [...handlers.keys()].sort();
    const exempt = found.filter((key) => key.split(" ")[1]! in EXEMPT);
    expect(exempt.every((key) => /^(POST|PUT|PATCH|DELETE) \/api\/(webhooks\/|auth\/)/.test(key)), exempt.join(", ")).toBe(true);
    const checked = found.filter((key) => !exempt.includes(key));
    // A route without a row fails here, and so does a row whose route is gone.
    expect(checked).toEqual(Object.keys(EXPECTATIONS).sort());
    expect(checked.length).toBeGreaterThanOrEqual(8);
    // Audit events are read-only through Shiplog: nothing under /api/v1/audit changes state.
    expect(found.filter((key) => key.includes(" /api/v1/audit"))).toEqual([]);
  });

  it("answers each role 401, 403 or success as the table says", async () => {
    const seen: string[] = [];
    for (const [key, expectation] of Object.entries(EXPECTATIONS)) {
      for (const role of ROLE_NAMES) {
        const want = role === "anonymous" ? 401 : expectation.allowed.includes(role) ? expectation.success : 403;
        const answer = await signedCall(key, userOf(role), await expectation.prepare());
        await expectation.settle?.();
        seen.push(`${key} as ${role}: ${answer.status}${answer.status === want ? "" : ` (wanted ${want}: ${JSON.stringify(answer.body)})`}`);
      }
    }
    expect(seen.filter((line) => line.includes("wanted"))).toEqual([]);
    expect(seen).toHaveLength(Object.keys(EXPECTATIONS).length * ROLE_NAMES.length);
  }, 120_000);

  it("refuses every state-changing route cross-site (403 for everyone) and a signed-in request without Origin (403)", async () => {
    const wrong: string[] = [];
    for (const [key, expectation] of Object.entries(EXPECTATIONS)) {
      for (const role of ROLE_NAMES) {
        const cross = await signedCall(key, userOf(role), await expectation.prepare(), "cross-site");
        if (cross.status !== 403) wrong.push(`${key} cross-site as ${role}: ${cross.status}`);
        if (role === "anonymous") continue;
        const bare = await signedCall(key, userOf(role), await expectation.prepare(), "none");
        if (bare.status !== 403) wrong.push(`${key} without Origin as ${role}: ${bare.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // Refused before anything changed: the only rollback is the one the approve row's set-up requested, still unapproved.
    expect(await db.rollback.count({ where: { state: { not: "REQUESTED" } } })).toBe(0);
  }, 120_000);

  it("answers each role's API token as it answers the role's session (a token cannot create tokens or change a password), and audits each use", async () => {
    const seen: string[] = [];
    const usesBefore = await db.auditEvent.count({ where: { action: "api-token.used" } });
    let resolved = 0;
    for (const [key, expectation] of Object.entries(EXPECTATIONS)) {
      for (const role of ROLE_NAMES) {
        const sessionWant = role === "anonymous" ? 401 : expectation.allowed.includes(role) ? expectation.success : 403;
        // A token can neither create tokens nor change its owner's password.
        const want = (key === "POST /api/v1/tokens" || key === "POST /api/v1/account/password") && role !== "anonymous" ? 403 : sessionWant;
        const answer = await tokenCall(key, role, await expectation.prepare());
        await expectation.settle?.();
        if (role !== "anonymous") resolved += 1;
        seen.push(`${key} with ${role}'s token: ${answer.status}${answer.status === want ? "" : ` (wanted ${want}: ${JSON.stringify(answer.body)})`}`);
      }
    }
    expect(seen.filter((line) => line.includes("wanted"))).toEqual([]);
    // Every state-changing call a token made is in the audit log, allowed or refused.
    expect((await db.auditEvent.count({ where: { action: "api-token.used" } })) - usesBefore).toBe(resolved);
  }, 180_000);

  it("answers every GET under /api/v1 to each role's token as to the role's session", async () => {
    const wrong: string[] = [];
    let compared = 0;
    for (const { route, module } of await routeFiles("api/v1")) {
      if (typeof module.GET !== "function" || route === "/api/v1/openapi.json") continue;
      const params = Object.fromEntries([...route.matchAll(/\[(\w+)\]/g)].map((match) => [match[1]!, "1"]));
      const url = `http://shiplog.test${route.replace(/\[(\w+)\]/g, "1")}`;
      for (const role of ROLE_NAMES) {
        if (role === "anonymous") continue;
        const bySession = await (module.GET as Handler)(signedInRequest(users[role], url), { params: Promise.resolve(params) });
        const byToken = await (module.GET as Handler)(new Request(url, { headers: { authorization: `Bearer ${tokens[role]}` } }), { params: Promise.resolve(params) });
        await Promise.all([bySession.body?.cancel(), byToken.body?.cancel()]);
        compared += 1;
        if (bySession.status !== byToken.status) wrong.push(`GET ${route} as ${role}: session ${bySession.status}, token ${byToken.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(20 * 6);
  }, 120_000);

  it("has no server actions to escape it: state changes go through the route handlers above", async () => {
    const root = path.resolve(appDir, "..");
    const withActions: string[] = [];
    for (const dir of ["app", "components", "lib"]) {
      for (const file of await readdir(path.join(root, dir), { recursive: true })) {
        if (!/\.(ts|tsx)$/.test(file) || file.startsWith("generated")) continue;
        if (/^\s*["']use server["']/m.test(await readFile(path.join(root, dir, file), "utf8"))) withActions.push(`${dir}/${file}`);
      }
    }
    // A server action is a POST endpoint of its own: give it a row here (and its checks) before allowing it.
    expect(withActions).toEqual([]);
  });

  it("answers every GET under /api/v1 with 401 to an anonymous caller (the OpenAPI document aside)", async () => {
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const { route, module } of await routeFiles("api/v1")) {
      if (typeof module.GET !== "function" || route === "/api/v1/openapi.json") continue;
      const params = Object.fromEntries([...route.matchAll(/\[(\w+)\]/g)].map((match) => [match[1]!, "1"]));
      const url = route.replace(/\[(\w+)\]/g, "1");
      const response = await (module.GET as Handler)(new Request(`http://shiplog.test${url}`), { params: Promise.resolve(params) });
      checked.push(route);
      if (response.status !== 401) wrong.push(`${route}: ${response.status}`);
      await response.body?.cancel();
    }
    expect(wrong).toEqual([]);
    expect(checked).toEqual(expect.arrayContaining(["/api/v1/audit", "/api/v1/users", "/api/v1/webhook-tokens", "/api/v1/deployments", "/api/v1/rollbacks"]));
  });
});
