// The logger's contract: JSON lines at LOG_LEVEL and above, the request id on every line written
// while a route handler runs (however deep the call), secrets redacted by key, and the route
// wrapper's 500 log line carrying its request id.
import { Writable } from "node:stream";
import { describe, expect, it, onTestFinished } from "vitest";
import { withErrorHandling } from "@/lib/http/with-error-handling";
import { createLogger, logger, runWithRequestId } from "@/lib/log/logger";
import { captureLogs } from "../../support/capture-logs";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}


describe("the logger", () => {
  it("writes JSON lines at its level and above", () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: "warn", format: "json", destination: stream });
    log.info("not written");
    log.warn("written");
    log.child({ component: "worker" }).error("also written");
    expect(lines.map((line) => [line.level, line.msg, line.component])).toEqual([
      ["warn", "written", undefined],
      ["error", "also written", "worker"],
    ]);
    expect(typeof lines[0]!.time).toBe("string");
  });

  it("tags every line written inside runWithRequestId, through awaits, and no line outside it", async () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: "info", format: "json", destination: stream });
    await runWithRequestId("req-42", async () => {
      log.info("first");
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.child({ component: "db" }).info("after an await");
    });
    log.info("outside");
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ["first", "req-42"],
      ["after an await", "req-42"],
      ["outside", undefined],
    ]);
  });

  it("redacts authorization headers, cookies, tokens, passwords and secrets", () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: "info", format: "json", destination: stream });
    log.info(
      {
        headers: { authorization: "Bearer abc", cookie: "session=xyz", "x-hub-signature-256": "sha256=ff", accept: "*/*" },
        token: "t0ken",
        user: { password: "hunter2", name: "alice" },
        argo: { instance: { secret: "s3cret" } },
      },
      "request",
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ["Bearer abc", "session=xyz", "sha256=ff", "t0ken", "hunter2", "s3cret"]) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ headers: { authorization: "[redacted]", accept: "*/*" }, user: { name: "alice", password: "[redacted]" } });
  });

  it("carries the request id on the route wrapper's error line", async () => {
    const { lines, restore } = captureLogs();
    onTestFinished(restore);
    const handler = withErrorHandling(async () => {
      logger("test").info("working on it");
      throw new Error("boom");
    });
    const response = await handler(new Request("http://shiplog.test/api/v1/things", { headers: { "x-request-id": "abc-123" } }), undefined);
    expect(response.status).toBe(500);
    expect(lines.map((line) => [line.msg, line.requestId, line.component])).toEqual([
      ["working on it", "abc-123", "test"],
      ["GET /api/v1/things → 500 internal_error: Internal server error.", "abc-123", "http"],
    ]);
    expect((lines[1]!.err as { message: string }).message).toBe("boom");
  });
});
