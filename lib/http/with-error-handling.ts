// The one wrapper for route handlers. Every error becomes one JSON shape,
// `{ error: { code, message, requestId, details? } }`, and every response carries X-Request-Id:
//   AppError               → its status, message and headers
//   ZodError               → 400 bad_request; the issues in `details` (Shiplog answers 400 for
//                            any request it cannot use, malformed or invalid alike)
//   Prisma P2025           → 404 not_found
//   database unreachable   → 503 service_unavailable, logged
//   client went away       → 400 bad_request, not logged (nobody reads the answer; nothing broke)
//   anything else          → logged with the request id, answered with a generic 500
// Requests to /api/v1 are counted against the rate limits first (lib/rate-limits/limit-api-request.ts):
// 429 with Retry-After, through the same error path. Webhooks and everything else are not.
// Every line logged while the handler runs carries the request id (lib/log/logger.ts), and the
// time to answer is recorded in shiplog_http_request_duration_seconds by route pattern and status.
import { z } from "zod";
import { requestIdOf } from "../audit/request-id";
import { isDatabaseUnavailable } from "../db/is-database-unavailable";
import { logger, runWithRequestId } from "../log/logger";
import { metrics } from "../observability/metrics-registry";
import { isApiPath } from "../rate-limits/is-api-path";
import { limitApiRequest } from "../rate-limits/limit-api-request";
import { AppError } from "./app-error";
import { isClientAbort } from "./is-client-abort";

export type RouteHandler<Context> = (request: Request, context: Context) => Promise<Response>;

export function withErrorHandling<Context = unknown>(handler: RouteHandler<Context>): RouteHandler<Context> {
  return async (request, context) => {
    const requestId = requestIdOf(request);
    const started = performance.now();
    let response: Response;
    try {
      response = await runWithRequestId(requestId, async () => {
        if (isApiPath(new URL(request.url).pathname)) await limitApiRequest(request);
        return handler(request, context);
      });
    } catch (error) {
      const appError = isClientAbort(error, request)
        ? new AppError("bad_request", "The client closed the connection before the request was read.", { cause: error })
        : toAppError(error);
      response = runWithRequestId(requestId, () => errorResponse(appError, requestId, request, error));
    }
    response.headers.set("X-Request-Id", requestId);
    const route = routePattern(new URL(request.url).pathname, await paramsOf(context));
    metrics().httpRequestDuration.observe({ method: request.method, route, status: String(response.status) }, (performance.now() - started) / 1000);
    return response;
  };
}

/** Next's route context: `{ params: Promise<{ name: value }> }` on dynamic routes. */
async function paramsOf(context: unknown): Promise<Record<string, string | string[] | undefined>> {
  const params = (context as { params?: unknown } | null | undefined)?.params;
  if (!params) return {};
  try {
    return ((await params) ?? {}) as Record<string, string | string[] | undefined>;
  } catch {
    return {}; // params that cannot be read leave the path as it was; only the metric's label is at stake
  }
}

/**
 * The route's file pattern (/api/v1/services/[name]) from its path and params, so the metric has
 * one series per route rather than one per service or id.
 */
export function routePattern(pathname: string, params: Record<string, string | string[] | undefined>): string {
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    for (const part of Array.isArray(value) ? value : value === undefined ? [] : [value]) byValue.set(part, Array.isArray(value) ? `[...${name}]` : `[${name}]`);
  }
  if (byValue.size === 0) return pathname;
  const segments = pathname.split("/").map((segment) => {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // left as sent
    }
    return byValue.get(decoded) ?? byValue.get(segment) ?? segment;
  });
  // A catch-all's segments collapse into one.
  return segments.filter((segment, index) => !(segment.startsWith("[...") && segments[index - 1] === segment)).join("/");
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.core.$ZodError) {
    return new AppError("bad_request", describeZodIssues(error.issues), { cause: error, details: { issues: error.issues } });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "P2025") return new AppError("not_found", "Not found.", { cause: error });
  if (isDatabaseUnavailable(error)) {
    return new AppError("service_unavailable", "The database is unavailable; retry later.", {
      cause: error,
      headers: { "Retry-After": "5" },
    });
  }
  return new AppError("internal_error", "Internal server error.", { cause: error });
}

/** `path: message; path: message`, one entry per issue, for a human reading a delivery log. */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function errorResponse(error: AppError, requestId: string, request: Request, original: unknown): Response {
  if (error.status >= 500) {
    const { pathname } = new URL(request.url);
    // An AppError's own stack says nothing; its cause (the driver's error) does.
    const detail = original instanceof AppError ? (original.cause ?? "") : original;
    logger("http").error(
      { err: detail, method: request.method, path: pathname, status: error.status, code: error.code },
      `${request.method} ${pathname} → ${error.status} ${error.code}: ${error.message}`,
    );
  }
  const body = {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  return Response.json(body, {
    status: error.status,
    headers: { "Cache-Control": "no-store", ...error.headers },
  });
}
