import { describe, expect, it } from "vitest";
import { type DegradedCount, rankWorstFirst } from "@/lib/fleet/rank-worst-first";

const count = (serviceId: number, degraded: number, place: Partial<DegradedCount> = {}): DegradedCount => ({
  serviceId,
  environmentId: 1,
  clusterId: 10,
  region: "eu",
  degraded,
  ...place,
});

describe("rankWorstFirst", () => {
  it("puts the services with the most degraded applications first, ties in the given (name) order", () => {
    const groups = [{ key: "", serviceIds: [1, 2, 3, 4] }];
    // Service 2: 1 + 2 in two environments = 3; service 4: 3; service 3: 1; service 1: none.
    const counts = [count(2, 1), count(2, 2, { environmentId: 2 }), count(4, 3), count(3, 1)];
    expect(rankWorstFirst("none", groups, counts)[0]!.serviceIds).toEqual([2, 4, 3, 1]);
    expect(groups[0]!.serviceIds).toEqual([1, 2, 3, 4]); // the input is left as it was
  });

  it("counts only the applications a row covers when rows are places", () => {
    const counts = [count(1, 1, { environmentId: 1 }), count(2, 5, { environmentId: 2 }), count(2, 1, { environmentId: 1, clusterId: 11, region: null })];
    // By environment: in environment 1 both have 1 (name order stays); in 2 only service 2.
    expect(rankWorstFirst("environment", [{ key: "1", serviceIds: [2, 1] }], counts)[0]!.serviceIds).toEqual([2, 1]);
    expect(rankWorstFirst("environment", [{ key: "1", serviceIds: [1, 2] }], counts)[0]!.serviceIds).toEqual([1, 2]);
    // By cluster: cluster 10 holds service 1's one and service 2's five.
    expect(rankWorstFirst("cluster", [{ key: "10", serviceIds: [1, 2] }], counts)[0]!.serviceIds).toEqual([2, 1]);
    // By region: the regionless cluster is the "" group.
    expect(rankWorstFirst("region", [{ key: "", serviceIds: [1, 2] }, { key: "eu", serviceIds: [1, 2] }], counts).map((g) => g.serviceIds)).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });

  it("by team, a service's whole count decides within its team", () => {
    const ranked = rankWorstFirst("team", [{ key: "payments", serviceIds: [1, 2] }, { key: "", serviceIds: [3] }], [count(2, 1), count(2, 1, { clusterId: 11 }), count(1, 1)]);
    expect(ranked.map((g) => g.serviceIds)).toEqual([[2, 1], [3]]);
  });
});
