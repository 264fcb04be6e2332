// GET /api/v1/deliveries and POST /api/v1/deliveries/{id}/replay (and …/replay?source=): the
// failed-deliveries list and its replay, as the ingestion page calls them. The failure is real:
// the real Argo CD Application fixture, stored as the accept path stores it, fails projection
// in the real worker while the database refuses new applications (a trigger standing in for a
// fault), and once the fault is gone a replay makes it processed.
import { describe, expect, it } from "vitest";
import { POST as replayRoute } from "@/app/api/v1/deliveries/[id]/replay/route";
import { POST as replayAllRoute } from "@/app/api/v1/deliveries/replay/route";
import { GET as listRoute } from "@/app/api/v1/deliveries/route";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, insertDelivery, quietLog } from "../../../support/deliveries";
import { callRoute } from "../../../support/read-api";
import { type TestUser, signIn, signedInRequest } from "../../../support/sign-in";

const db = getDb();
const drain = () => processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), retry: { baseDelayMs: 60_000 } });

let engineer: Promise<TestUser> | undefined;

type PostHandler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;

async function post(handler: PostHandler, path: string, params: { id: string } = { id: "" }) {
  engineer ??= signIn([{ role: "engineer", teamId: null }]);
  const response = await handler(signedInRequest(await engineer, path, { method: "POST" }), { params: Promise.resolve(params) });
  return { status: response.status, body: (await response.json()) as any };
}

async function failingArgocdDelivery(name: string) {
  const app = await argocdFixture();
  app.metadata.name = name;
  app.metadata.uid = `uid-${name}`;
  return insertDelivery({ source: "ARGOCD", event: "on-deployed", body: argocdNotification(app, "on-deployed", "replay-test") });
}

describe("replaying a delivery whose projection failed", () => {
  it("lists it with the worker's error, and a replay after the fault is gone makes it processed", async () => {
    const stored = await failingArgocdDelivery("velero-replay");
    await db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_applications() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'applications are read-only during maintenance'; END $$`);
    await db.$executeRawUnsafe("CREATE TRIGGER refuse_applications BEFORE INSERT ON applications FOR EACH ROW EXECUTE FUNCTION refuse_applications()");
    try {
      expect(await drain()).toMatchObject({ failed: 1, processed: 0 });
    } finally {
      await db.$executeRawUnsafe("DROP TRIGGER refuse_applications ON applications");
      await db.$executeRawUnsafe("DROP FUNCTION refuse_applications()");
    }

    const list = await callRoute(listRoute, "/api/v1/deliveries?status=failed&source=argocd");
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: Number(stored.id),
        source: "ARGOCD",
        event: "on-deployed",
        status: "FAILED",
        attempts: 1,
        deliveryId: stored.deliveryId,
        lastError: expect.stringContaining("applications are read-only during maintenance"),
      }),
    ]);
    expect((await callRoute(listRoute, "/api/v1/deliveries?source=github")).body.items).toEqual([]);

    const replay = await post(replayRoute, `/api/v1/deliveries/${stored.id}/replay`, { id: String(stored.id) });
    expect(replay).toEqual({
      status: 202,
      body: { id: Number(stored.id), source: "ARGOCD", deliveryId: stored.deliveryId, event: "on-deployed", previousStatus: "FAILED", status: "PENDING" },
    });
    // Replayed twice before the worker got to it: it already waits.
    const again = await post(replayRoute, `/api/v1/deliveries/${stored.id}/replay`, { id: String(stored.id) });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "conflict", message: expect.stringContaining("already waits in the queue") });

    expect(await drain()).toMatchObject({ processed: 1, failed: 0 });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ status: "PROCESSED", lastError: null });
    expect(await db.application.count({ where: { name: "velero-replay" } })).toBe(1);
    expect((await callRoute(listRoute, "/api/v1/deliveries")).body.items).toEqual([]);
  });
});

describe("POST /api/v1/deliveries/{id}/replay", () => {
  it("answers 404 for an unknown id, 400 for an id that is no number", async () => {
    const unknown = await post(replayRoute, "/api/v1/deliveries/999999/replay", { id: "999999" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "not_found", message: "No stored delivery has id 999999." });
    const bad = await post(replayRoute, "/api/v1/deliveries/abc/replay", { id: "abc" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/id: must be a positive whole number/);
  });
});

describe("POST /api/v1/deliveries/replay", () => {
  it("queues every failed or quarantined delivery of one source, and only those", async () => {
    const make = (source: "GITHUB" | "BUILD", status: "FAILED" | "QUARANTINED" | "PROCESSED", n: number) =>
      db.webhookDelivery.create({ data: { source, deliveryId: `all-${source}-${status}-${n}`, event: "push", body: "{}", status, attempts: 2, lastError: "x" } });
    await make("GITHUB", "FAILED", 1);
    await make("GITHUB", "QUARANTINED", 2);
    await make("GITHUB", "PROCESSED", 3);
    const build = await make("BUILD", "FAILED", 4);

    expect(await post(replayAllRoute, "/api/v1/deliveries/replay?source=github")).toEqual({ status: 202, body: { replayed: 2 } });
    expect(await db.webhookDelivery.count({ where: { source: "GITHUB", status: "PENDING" } })).toBe(2);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: build.id } })).toMatchObject({ status: "FAILED" });

    const bad = await post(replayAllRoute, "/api/v1/deliveries/replay?source=jenkins");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/source: must be one of argocd, github, build, deployer, gitlab, flux/);
  });
});

describe("GET /api/v1/deliveries", () => {
  it.each([
    ["?source=bitbucket", /source: must be one of argocd, github, build, deployer, gitlab, flux/],
    ["?status=processed", /status: must be one of failed, retrying, quarantined/],
    ["?limit=0", /limit: must be at least 1/],
    ["?cursor=abc!", /cursor: is not a cursor this endpoint returned/],
    ["?sort=received", /unknown query parameter: sort/],
  ])("answers 400 naming the parameter for %s", async (query, message) => {
    const answer = await callRoute(listRoute, `/api/v1/deliveries${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });
});
