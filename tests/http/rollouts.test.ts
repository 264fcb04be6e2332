// The rollout API over real HTTP against `next start` and the seeded demo fleet: a release's
// rollout per environment, region and wave, an image tag's across services, the rollouts beside
// each timeline page, and bad input answered 4xx by name. Expected numbers come from SQL written
// here, independently of lib/rollouts.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { as, signIn } from "../support/sign-in";

const base = inject("shiplogUrl");
let cookie: string;

async function get(path: string, withCookie = true): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, base), { headers: withCookie ? { cookie, accept: "application/json" } : { accept: "application/json" } });
  return { status: response.status, body: await response.json() };
}

type Counts = { applications: number; running: number; healthy: number; degraded: number; progressing: number; failed: number; movedOn: number; notYetReached: number; clusters: number };
const sum = (list: Counts[], key: keyof Counts) => list.reduce((total, counts) => total + counts[key], 0);

let release: { id: number; service_id: number };

beforeAll(async () => {
  ({ cookie } = await signIn(as("viewer")));
  // The release of the demo fleet deployed to the most environments, then the most applications.
  [release] = (await getDb().$queryRaw<{ id: number; service_id: number }[]>`
    SELECT r.id, r.service_id FROM releases r JOIN deployments d ON d.release_id = r.id
    GROUP BY r.id ORDER BY count(DISTINCT d.environment_id) DESC, count(DISTINCT d.application_id) DESC, r.id LIMIT 1`) as [typeof release];
  if (!release) throw new Error("the demo fleet has no deployed release");
});

describe("GET /api/v1/rollouts/releases/{id}", () => {
  it("counts the release's applications as the database has them, per environment, region and wave", async () => {
    const { status, body } = await get(`/api/v1/rollouts/releases/${release.id}`);
    expect(status).toBe(200);
    const [fleet] = await getDb().$queryRaw<{ applications: number; running: number; healthy: number; not_reached: number; environments: string[] }[]>`
      WITH apps AS (
        SELECT a.*, EXISTS (SELECT 1 FROM deployments d WHERE d.application_id = a.id AND d.release_id = ${release.id}) AS reached
        FROM applications a WHERE a.service_id = ${release.service_id}
      )
      SELECT
        count(*) FILTER (WHERE deleted_at IS NULL OR reached)::int AS applications,
        count(*) FILTER (WHERE deleted_at IS NULL AND current_release_id = ${release.id})::int AS running,
        count(*) FILTER (WHERE deleted_at IS NULL AND current_release_id = ${release.id} AND health_status = 'HEALTHY')::int AS healthy,
        count(*) FILTER (WHERE deleted_at IS NULL AND NOT reached AND current_release_id IS DISTINCT FROM ${release.id})::int AS not_reached,
        ARRAY(SELECT e.name FROM environments e WHERE e.id IN (SELECT environment_id FROM apps WHERE deleted_at IS NULL OR reached) ORDER BY e.rank, e.name) AS environments
      FROM apps`;
    expect(body.counts).toMatchObject({ applications: fleet!.applications, running: fleet!.running, healthy: fleet!.healthy, notYetReached: fleet!.not_reached });
    expect(body.environments.map((environment: { name: string }) => environment.name)).toEqual(fleet!.environments);
    for (const key of ["applications", "running", "healthy", "degraded", "progressing", "failed", "movedOn", "notYetReached"] as const) {
      expect(sum(body.environments.map((environment: { counts: Counts }) => environment.counts), key), key).toBe(body.counts[key]);
      for (const environment of body.environments) {
        const waves = environment.regions.flatMap((region: { waves: { counts: Counts }[] }) => region.waves.map((wave) => wave.counts));
        expect(sum(waves, key), `${environment.name} ${key}`).toBe(environment.counts[key]);
      }
    }

    const prod = fleet!.environments.at(-1)!;
    const only = await get(`/api/v1/rollouts/releases/${release.id}?environment=${prod}`);
    expect(only.status).toBe(200);
    expect(only.body.environments.map((environment: { name: string }) => environment.name)).toEqual([prod]);
    expect(only.body.counts).toEqual(body.environments.at(-1).counts);
    expect(only.body.environmentNames).toEqual(fleet!.environments);
  });

  it("gives each timeline page the counts of its rollouts, the same as the rollout view's", async () => {
    const { status, body } = await get("/api/v1/deployments?limit=20");
    expect(status).toBe(200);
    const pairs = new Set(body.items.filter((item: any) => item.release).map((item: any) => `${item.release.id}:${item.environment}`));
    expect(new Set(body.rollouts.map((rollout: any) => `${rollout.release.id}:${rollout.environment}`))).toEqual(pairs);
    const sample = body.rollouts[0];
    const view = await get(`/api/v1/rollouts/releases/${sample.release.id}?environment=${encodeURIComponent(sample.environment)}`);
    expect(view.body.counts).toEqual(sample.counts);
  });

  it("answers 404 for an unknown release or environment, 400 naming a bad id or parameter, 401 without a session", async () => {
    expect((await get("/api/v1/rollouts/releases/2000000000")).status).toBe(404);
    const environment = await get(`/api/v1/rollouts/releases/${release.id}?environment=nowhere`);
    expect(environment.status).toBe(404);
    expect(environment.body.error.message).toContain('"nowhere"');
    const id = await get("/api/v1/rollouts/releases/abc");
    expect(id.status).toBe(400);
    expect(id.body.error.message).toMatch(/id: must be a positive whole number/);
    const unknown = await get(`/api/v1/rollouts/releases/${release.id}?env=prod`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("unknown query parameter: env");
    expect((await get(`/api/v1/rollouts/releases/${release.id}`, false)).status).toBe(401);
  });
});

describe("GET /api/v1/rollouts/image", () => {
  it("counts the applications running an image tag among those running any tag of it", async () => {
    // The demo fleet's most common sidecar tag.
    const [image] = await getDb().$queryRaw<{ ref: string; running: number }[]>`
      SELECT image AS ref, count(*)::int AS running FROM applications a, unnest(a.images) AS image
      WHERE a.deleted_at IS NULL AND image LIKE '%/platform/%' GROUP BY image ORDER BY count(*) DESC, image LIMIT 1`;
    if (!image) throw new Error("the demo fleet has no sidecar image");
    const repository = image.ref.slice(0, image.ref.lastIndexOf(":"));
    const [scope] = await getDb().$queryRaw<{ applications: number }[]>`
      SELECT count(*)::int AS applications FROM applications a
      WHERE a.deleted_at IS NULL AND EXISTS (SELECT 1 FROM unnest(a.images) AS i WHERE i LIKE ${`${repository}:%`})`;
    const { status, body } = await get(`/api/v1/rollouts/image?ref=${encodeURIComponent(image.ref)}`);
    expect(status).toBe(200);
    expect(body.image).toMatchObject({ ref: image.ref, repository });
    expect(body.counts.running).toBe(image.running);
    expect(body.counts.applications).toBe(scope!.applications);
    expect(body.counts.notYetReached).toBe(scope!.applications - image.running);
  });

  it("answers 400 naming `ref` when it is missing or has no tag", async () => {
    const missing = await get("/api/v1/rollouts/image");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^ref: /);
    const untagged = await get("/api/v1/rollouts/image?ref=registry.example.com/platform/envoy");
    expect(untagged.status).toBe(400);
    expect(untagged.body.error.message).toContain("ref: must be an image with a tag or digest");
  });
});
