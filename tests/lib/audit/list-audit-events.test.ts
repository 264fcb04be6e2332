// listAuditEvents on a real database: newest first, each filter alone, a time range, and
// keyset pages that neither skip nor repeat.
import { beforeAll, describe, expect, it } from "vitest";
import { readSearchParams } from "@/lib/api/read-search-params";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { listAuditEvents, listAuditEventsQuery } from "@/lib/audit/list-audit-events";
import { getDb } from "@/lib/db/client";

const base = Date.parse("2026-11-01T12:00:00Z");
const minutesAfter = (minutes: number) => new Date(base + minutes * 60_000);
const actors = ["ada@example.com", "bob@example.com", "cy@example.com"];
const actions = ["role.granted", "token.created", "delivery.replayed"];
const outcomes = ["success", "success", "refused", "failure"] as const;

beforeAll(async () => {
  for (let n = 0; n < 60; n += 1) {
    await recordAuditEvent(getDb(), {
      // Every fifth pair shares a millisecond: the id breaks the tie.
      at: minutesAfter(n % 5 === 4 ? n - 1 : n),
      actor: actors[n % 3]!,
      action: actions[n % 3]!,
      targetType: n % 2 ? "user" : "webhook-token",
      targetId: `t-${n % 7}`,
      outcome: outcomes[n % 4]!,
      requestId: `r-${n}`,
    });
  }
});

describe("listAuditEvents", () => {
  it("lists newest first, ties by id, a page at a time without gaps or repeats", async () => {
    const seen: number[] = [];
    const keys: [number, number][] = [];
    let cursor: string | null = null;
    do {
      const page = await listAuditEvents(readSearchParams(listAuditEventsQuery, { limit: "7", ...(cursor ? { cursor } : {}) }));
      expect(page.items.length).toBeLessThanOrEqual(7);
      for (const item of page.items) {
        seen.push(item.id);
        keys.push([item.at.getTime(), item.id]);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(keys).toEqual([...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]));
  });

  it("filters by actor, action, target, outcome and time range, like an independent count", async () => {
    const all = await getDb().auditEvent.findMany();
    const cases: [Record<string, string>, (row: (typeof all)[number]) => boolean][] = [
      [{ actor: "bob@example.com" }, (row) => row.actor === "bob@example.com"],
      [{ action: "token.created" }, (row) => row.action === "token.created"],
      [{ targetType: "user", targetId: "t-3" }, (row) => row.targetType === "user" && row.targetId === "t-3"],
      [{ outcome: "refused" }, (row) => row.outcome === "refused"],
      [
        { from: "2026-11-01T12:10:00Z", to: "2026-11-01T12:20:00Z" },
        (row) => row.at >= minutesAfter(10) && row.at < minutesAfter(20),
      ],
      [{ actor: "ada@example.com", outcome: "success" }, (row) => row.actor === "ada@example.com" && row.outcome === "success"],
    ];
    for (const [query, expected] of cases) {
      const page = await listAuditEvents(readSearchParams(listAuditEventsQuery, { ...query, limit: "200" }));
      const want = all.filter(expected).map((row) => Number(row.id)).sort((a, b) => a - b);
      expect(want.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(page.items.map((item) => item.id).sort((a, b) => a - b), JSON.stringify(query)).toEqual(want);
    }
  });

  it("refuses bad filters with the parameter named", () => {
    expect(() => readSearchParams(listAuditEventsQuery, { outcome: "ok" })).toThrow(/outcome/);
    expect(() => readSearchParams(listAuditEventsQuery, { from: "yesterday" })).toThrow(/from/);
    expect(() => readSearchParams(listAuditEventsQuery, { from: "2026-11-02", to: "2026-11-01" })).toThrow(/from must be before to/);
    expect(() => readSearchParams(listAuditEventsQuery, { cursor: "garbage!" })).toThrow(/cursor/);
    expect(() => readSearchParams(listAuditEventsQuery, { who: "x" })).toThrow(/unknown query parameter: who/);
  });
});
