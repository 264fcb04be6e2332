// GET /api/v1/services and /api/v1/services/{name} against the 12-service demo fleet.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getServiceRoute } from "@/app/api/v1/services/[name]/route";
import { GET as listServicesRoute } from "@/app/api/v1/services/route";
import { getDb } from "@/lib/db/client";
import { getService, serviceDetailSchema } from "@/lib/services/get-service";
import { listServices, servicePageSchema } from "@/lib/services/list-services";
import { callRoute, seedSmallFleet, walkPages } from "../../../support/read-api";

type Item = { name: string; team: { slug: string } | null; applications: { total: number; byHealth: Record<string, number>; outOfSync: number } };

const servicesNamed = async (where = "") =>
  (await getDb().$queryRawUnsafe<{ name: string }[]>(`SELECT s.name FROM services s LEFT JOIN teams t ON t.id = s.team_id ${where} ORDER BY s.name`)).map((row) => row.name);

describe("GET /api/v1/services", () => {
  beforeAll(seedSmallFleet);

  it("answers services by name with team, repository, tier and application health counts", async () => {
    const answer = await callRoute(listServicesRoute, "/api/v1/services");
    expect(answer.status).toBe(200);
    const page = await listServices();
    expect(servicePageSchema.parse(page)).toEqual(page);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(page)));
    expect(answer.body.items.map((item: Item) => item.name)).toEqual(await servicesNamed());
    expect(answer.body.nextCursor).toBeNull();

    const counts = await getDb().$queryRaw<{ name: string; total: number; degraded: number; out_of_sync: number }[]>`
      SELECT s.name, count(a.id)::int AS total, count(a.id) FILTER (WHERE a.health_status = 'DEGRADED')::int AS degraded,
        count(a.id) FILTER (WHERE a.sync_status = 'OUT_OF_SYNC')::int AS out_of_sync
      FROM services s LEFT JOIN applications a ON a.service_id = s.id AND a.deleted_at IS NULL GROUP BY s.name`;
    for (const item of answer.body.items as Item[]) {
      const expected = counts.find((row) => row.name === item.name)!;
      expect(item.applications.total).toBe(expected.total);
      expect(item.applications.byHealth.DEGRADED).toBe(expected.degraded);
      expect(item.applications.outOfSync).toBe(expected.out_of_sync);
      expect(Object.values(item.applications.byHealth).reduce((sum, n) => sum + n, 0)).toBe(item.applications.total);
      expect(item.team).toMatchObject({ slug: expect.any(String), name: expect.any(String) });
    }
  });

  it("walks every service exactly once, in order, across pages", async () => {
    const { items, pages } = await walkPages<Item>(listServicesRoute, "/api/v1/services?limit=5");
    expect(items.map((item) => item.name)).toEqual(await servicesNamed());
    expect(pages).toBe(3);
  });

  it("filters by team and by text in the name", async () => {
    const [first] = await servicesNamed();
    const team = (await getDb().service.findUniqueOrThrow({ where: { name: first! }, include: { team: true } })).team!.slug;
    const byTeam = await walkPages<Item>(listServicesRoute, `/api/v1/services?team=${team}&limit=1`);
    expect(byTeam.items.map((item) => item.name)).toEqual(await servicesNamed(`WHERE t.slug = '${team}'`));
    const text = first!.split("-")[1]!.toUpperCase();
    const byText = await walkPages<Item>(listServicesRoute, `/api/v1/services?q=${text}&limit=2`);
    expect(byText.items.map((item) => item.name)).toEqual(await servicesNamed(`WHERE s.name ILIKE '%${text}%'`));
    expect(byText.items.length).toBeGreaterThan(0);
    expect((await callRoute(listServicesRoute, "/api/v1/services?team=nobody")).body).toEqual({ items: [], nextCursor: null });
  });

  it("answers 400 naming the parameter for a bad value", async () => {
    for (const [query, message] of [
      ["limit=1000", /^limit: must be at most 200$/],
      ["cursor=%%%", /^cursor: /],
      ["sort=name", /unknown query parameter: sort/],
    ] as const) {
      const answer = await callRoute(listServicesRoute, `/api/v1/services?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message, query).toMatch(message);
    }
  });
});

describe("GET /api/v1/services/{name}", () => {
  it("answers the service: owner, repository, what runs in each environment and cluster, recent releases and deployments", async () => {
    const service = await getDb().service.findFirstOrThrow({ orderBy: { name: "asc" }, include: { team: true } });
    const answer = await callRoute(getServiceRoute, `/api/v1/services/${service.name}`, { name: service.name });
    expect(answer.status).toBe(200);
    const detail = (await getService(service.name))!;
    expect(serviceDetailSchema.parse(detail)).toEqual(detail);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(detail)));
    expect(answer.body).toMatchObject({ name: service.name, repository: service.repository, team: { slug: service.team!.slug, name: service.team!.name } });

    // Every live application appears once, under its environment, with its current release.
    const applications = await getDb().application.findMany({
      where: { serviceId: service.id, deletedAt: null },
      include: { environment: true, cluster: true, currentRelease: true },
    });
    const listed = (answer.body.environments as { name: string; applications: { id: number; cluster: string; release: { version: string } | null }[] }[]).flatMap(
      (environment) => environment.applications.map((application) => ({ environment: environment.name, ...application })),
    );
    expect(listed.map((application) => application.id).sort()).toEqual(applications.map((application) => application.id).sort());
    for (const application of applications) {
      expect(listed.find((entry) => entry.id === application.id)).toMatchObject({
        environment: application.environment.name,
        cluster: application.cluster.name,
        release: application.currentRelease ? { version: application.currentRelease.version } : null,
      });
    }
    const ranks = answer.body.environments.map((environment: { rank: number }) => environment.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

    expect(answer.body.recentReleases.length).toBeGreaterThan(0);
    expect(answer.body.recentDeployments.items.length).toBeGreaterThan(0);
    expect(answer.body.recentDeployments.items.every((item: { service: { name: string } }) => item.service.name === service.name)).toBe(true);
  });

  it("answers 404 for an unknown name", async () => {
    const answer = await callRoute(getServiceRoute, "/api/v1/services/no-such-service", { name: "no-such-service" });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: "not_found", message: 'No service is named "no-such-service".' });
  });
});
