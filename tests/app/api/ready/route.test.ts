// The route is glue: status code and body come from checkReadiness. Next's request-scoped
// `connection()` has no request to attach to under vitest, so it is stubbed.
import { describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../../support/capture-logs";

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

  it("answers 503 without the database's own error, which names its host and port, and logs it", async () => {
    const detail = "connect ECONNREFUSED 10.1.2.3:5432";
    vi.resetModules();
    vi.doMock("@/lib/ops/check-readiness", () => ({
      checkReadiness: async () => ({ status: "not_ready", reason: "database_unreachable", detail }),
    }));
    const logs = captureLogs();
    try {
      const route = await import("../../../../app/api/ready/route");
      const response = await route.GET();
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body).toEqual({ status: "not_ready", reason: "database_unreachable", detail: "the database could not be reached; the server's log has the cause" });
      expect(JSON.stringify(body)).not.toContain("10.1.2.3");
      // The server's log (pino, lib/log) has the cause, with the component saying who wrote it.
      expect(logs.lines).toContainEqual(expect.objectContaining({ level: "warn", component: "ready", msg: `not ready: database_unreachable: ${detail}` }));
    } finally {
      logs.restore();
      vi.doUnmock("@/lib/ops/check-readiness");
    }
  });
});

describe("GET /api/health", () => {
  it("answers 200 without touching the database", async () => {
    const response = health.GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
