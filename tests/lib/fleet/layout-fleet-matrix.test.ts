import { describe, expect, it } from "vitest";
import { layoutFleetMatrix, pagesForRows } from "@/lib/fleet/layout-fleet-matrix";

describe("layoutFleetMatrix", () => {
  it("is just the rows without groups", () => {
    const layout = layoutFleetMatrix([], 3);
    expect(layout.size).toBe(3);
    expect([0, 1, 2].map(layout.itemAt)).toEqual([0, 1, 2].map((row) => ({ kind: "row", row })));
  });

  it("puts each group's header before its rows and numbers rows across groups", () => {
    const groups = [
      { key: "payments", label: "Payments", rows: 2 },
      { key: "platform", label: "Platform", rows: 1 },
      { key: "", label: "No team", rows: 3 },
    ];
    const layout = layoutFleetMatrix(groups, 6);
    expect(layout.size).toBe(9);
    expect(Array.from({ length: layout.size }, (_, index) => layout.itemAt(index))).toEqual([
      { kind: "header", group: groups[0], groupIndex: 0 },
      { kind: "row", row: 0 },
      { kind: "row", row: 1 },
      { kind: "header", group: groups[1], groupIndex: 1 },
      { kind: "row", row: 2 },
      { kind: "header", group: groups[2], groupIndex: 2 },
      { kind: "row", row: 3 },
      { kind: "row", row: 4 },
      { kind: "row", row: 5 },
    ]);
  });

  it("finds items in a large layout without walking it", () => {
    const groups = Array.from({ length: 1000 }, (_, index) => ({ key: `g${index}`, label: `G${index}`, rows: 5 }));
    const layout = layoutFleetMatrix(groups, 5000);
    expect(layout.size).toBe(6000);
    expect(layout.itemAt(5994)).toEqual({ kind: "header", group: groups[999], groupIndex: 999 });
    expect(layout.itemAt(5999)).toEqual({ kind: "row", row: 4999 });
    expect(layout.itemAt(7)).toEqual({ kind: "row", row: 5 });
  });
});

describe("pagesForRows", () => {
  it("names the pages a range of rows falls in", () => {
    expect(pagesForRows(0, 0, 50)).toEqual([0]);
    expect(pagesForRows(45, 55, 50)).toEqual([0, 1]);
    expect(pagesForRows(100, 149, 50)).toEqual([2]);
    expect(pagesForRows(5, 4, 50)).toEqual([]);
  });
});
