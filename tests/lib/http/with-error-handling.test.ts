// The one error path of route handlers: each kind of failure becomes one JSON shape and status,
// every answer carries a request id, and unknown errors are logged with it and never leak.
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { z } from "zod";
import { AppError } from "../../../lib/http/app-error";
import { withErrorHandling } from "../../../lib/http/with-error-handling";
import { withAbortedUpload } from "../../support/aborted-upload";
import { captureLogs } from "../../support/capture-logs";

const request = (headers: Record<string, string> = {}) => new Request("http://shiplog.test/api/v1/things", { method: "POST", headers });
const failWith = (error: unknown) => withErrorHandling(async () => Promise.reject(error));
type ErrorBody = { error: { code: string; message: string; requestId: string; details?: unknown } };

afterEach(() => void vi.restoreAllMocks());

describe("withErrorHandling", () => {
  it("passes a handler's response through with an X-Request-Id", async () => {
    const response = await withErrorHandling(async () => Response.json({ ok: true }, { status: 202 }))(request(), undefined);
    expect(response.status).toBe(202);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("keeps a well-formed X-Request-Id from a proxy and replaces a malformed one", async () => {
    const ok = async () => new Response(null, { status: 204 });
    expect((await withErrorHandling(ok)(request({ "x-request-id": "abc-123" }), undefined)).headers.get("x-request-id")).toBe("abc-123");
    expect((await withErrorHandling(ok)(request({ "x-request-id": "a b<script>" }), undefined)).headers.get("x-request-id")).not.toBe("a b<script>");
  });

  it("answers an AppError with its status, code, message and headers", async () => {
    const response = await failWith(new AppError("unauthorized", "No token.", { headers: { "WWW-Authenticate": "Bearer" } }))(request(), undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toEqual({ code: "unauthorized", message: "No token.", requestId: response.headers.get("x-request-id") });
  });

  it("answers a ZodError with 400, each issue's path in the message and the issues in details", async () => {
    const parsed = z.object({ repository: z.string(), tag: z.string() }).safeParse({ repository: 1 });
    const response = await failWith(parsed.error)(request(), undefined);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(/^repository: .*; tag: /);
    expect(body.error.details).toMatchObject({ issues: [{ path: ["repository"] }, { path: ["tag"] }] });
  });

  it("answers Prisma's record-not-found with 404", async () => {
    const response = await failWith(Object.assign(new Error("No record"), { code: "P2025" }))(request(), undefined);
    expect(response.status).toBe(404);
  });

  it("answers an unreachable database with 503 and Retry-After", async () => {
    onTestFinished(captureLogs().restore);
    const unreachable = Object.assign(new Error("Can't reach database server"), { code: "P1001" });
    const response = await failWith(unreachable)(request(), undefined);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(((await response.json()) as ErrorBody).error.code).toBe("service_unavailable");
  });

  it("does not log a client that hangs up mid-body, nor call it the database being unavailable", async () => {
    const { lines, restore } = captureLogs();
    onTestFinished(restore);
    const handler = withErrorHandling(async (request) => Response.json({ read: (await request.text()).length }));
    const { value: response } = await withAbortedUpload((request) => handler(request, undefined));
    expect(response?.status).toBe(400);
    expect(((await response!.json()) as ErrorBody).error.message).toMatch(/client closed the connection/);
    expect(lines).toEqual([]);
  });

  it("logs an unknown error with the request id and answers a generic 500 that leaks nothing", async () => {
    const { lines, restore } = captureLogs();
    onTestFinished(restore);
    const secret = new Error("password=hunter2 at db.internal");
    const response = await failWith(secret)(request(), undefined);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    const { error } = JSON.parse(text) as ErrorBody;
    expect(error).toEqual({ code: "internal_error", message: "Internal server error.", requestId: response.headers.get("x-request-id") });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", component: "http", requestId: error.requestId, err: { message: secret.message } });
  });
});
