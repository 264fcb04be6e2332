// GET /api/v1/releases/{id}/compare/{otherId} over the route handler against the 12-service demo
// fleet: the answer is compareReleases' result as JSON; unknown ids and releases of two services
// are 404 with a reason; malformed ids are 400 naming the parameter.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as compareRoute } from "@/app/api/v1/releases/[id]/compare/[otherId]/route";
import { getDb } from "@/lib/db/client";
import { compareReleases } from "@/lib/releases/compare-releases";
import { callRoute, seedSmallFleet } from "../../../support/read-api";

beforeAll(seedSmallFleet);

const path = (id: number | string, otherId: number | string) => `/api/v1/releases/${id}/compare/${otherId}`;

describe("GET /api/v1/releases/{id}/compare/{otherId}", () => {
  it("answers the commits between two releases of one service, either way round", async () => {
    const [pair] = await getDb().$queryRaw<{ newer: number; older: number; commits: number }[]>`
      SELECT r.id AS newer, o.id AS older,
        (SELECT count(*)::int FROM releases x JOIN release_commits rc ON rc.release_id = x.id
          WHERE x.service_id = r.service_id AND (x.first_seen_at, x.id) > (o.first_seen_at, o.id) AND (x.first_seen_at, x.id) <= (r.first_seen_at, r.id)) AS commits
      FROM releases r JOIN releases o ON o.service_id = r.service_id AND (o.first_seen_at, o.id) < (r.first_seen_at, r.id)
      ORDER BY commits DESC, r.id LIMIT 1`;
    const { newer, older, commits } = pair!;
    expect(commits).toBeGreaterThan(0);

    const answer = await callRoute(compareRoute, path(newer, older), { id: String(newer), otherId: String(older) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(await compareReleases(newer, older))));
    expect(answer.body).toMatchObject({ direction: "ahead", commitCount: commits, release: { id: newer }, other: { id: older } });
    expect(answer.body.commits.length).toBe(Math.min(commits, 500));

    const reverse = await callRoute(compareRoute, path(older, newer), { id: String(older), otherId: String(newer) });
    expect(reverse.status).toBe(200);
    expect(reverse.body.direction).toBe("behind");
    expect(reverse.body.commits).toEqual(answer.body.commits);
  });

  it("answers 404 for an unknown release or releases of different services", async () => {
    const [a, b] = await getDb().$queryRaw<{ id: number }[]>`
      SELECT DISTINCT ON (service_id) id FROM releases ORDER BY service_id, id LIMIT 2`;
    const unknown = await callRoute(compareRoute, path(a!.id, 999999), { id: String(a!.id), otherId: "999999" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(`Releases ${a!.id} and 999999 are not two known releases of one service.`);
    const foreign = await callRoute(compareRoute, path(a!.id, b!.id), { id: String(a!.id), otherId: String(b!.id) });
    expect(foreign.status).toBe(404);
  });

  it("answers 400 naming a malformed id", async () => {
    const answer = await callRoute(compareRoute, path(1, "v2"), { id: "1", otherId: "v2" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^otherId: must be a positive whole number/);
  });
});
