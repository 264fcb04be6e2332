// The route is glue: status code and body come from checkReadiness. Next's request-scoped
// `connection()` has no request to attach to under vitest, so it is stubbed.
import { describe, expect, it, vi } from "vitest";

vi.mock("next/server", () => ({ connection: async () => undefined }));

const { GET } = await import("../../../../app/api/ready/route");
const health = await import("../../../../app/api/health/route");

describe("GET /api/ready", () => {
  it("answers 200 with the readiness body on a migrated database", async () => {
    const response = await GET();
    // Status and body together, so a failure says why readiness was refused.
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { status: "ready", pendingMigrations: [] },
    });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /api/health", () => {
  it("answers 200 without touching the database", async () => {
    const response = health.GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
