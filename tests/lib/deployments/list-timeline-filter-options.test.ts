import { describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { listTimelineFilterOptions } from "../../../lib/deployments/list-timeline-filter-options";

describe("listTimelineFilterOptions", () => {
  it("lists teams by slug, environments in promotion order, distinct regions and every status; re-read after a minute", async () => {
    const db = getDb();
    await db.team.createMany({ data: [{ slug: "payments", name: "Payments" }, { slug: "catalog", name: "Catalog" }] });
    await db.environment.createMany({ data: [{ name: "prod", rank: 3 }, { name: "dev", rank: 1 }, { name: "staging", rank: 2 }] });
    const instance = await db.argoInstance.create({ data: { name: "main" } });
    await db.cluster.createMany({
      data: [
        { argoInstanceId: instance.id, name: "prod-eu-a", server: "https://a", region: "eu-west-1" },
        { argoInstanceId: instance.id, name: "prod-eu-b", server: "https://b", region: "eu-west-1" },
        { argoInstanceId: instance.id, name: "prod-us-a", server: "https://c", region: "us-east-1" },
        { argoInstanceId: instance.id, name: "lab", server: "https://d", region: null },
      ],
    });

    const now = Date.now();
    const options = await listTimelineFilterOptions(db, now);
    expect(options).toEqual({
      teams: [{ slug: "catalog", name: "Catalog" }, { slug: "payments", name: "Payments" }],
      environments: ["dev", "staging", "prod"],
      regions: ["eu-west-1", "us-east-1"],
      statuses: ["RUNNING", "SUCCEEDED", "FAILED", "DEGRADED", "ROLLED_BACK"],
    });

    await db.team.create({ data: { slug: "search", name: "Search" } });
    // Within the minute: the cached answer.
    expect((await listTimelineFilterOptions(db, now + 30_000)).teams).toHaveLength(2);
    // After it: read again.
    expect((await listTimelineFilterOptions(db, now + 61_000)).teams.map((team) => team.slug)).toEqual(["catalog", "payments", "search"]);
  });
});
