// The one wrapper for route handlers. Every error becomes one JSON shape,
// `{ error: { code, message, requestId, details? } }`, and every response carries X-Request-Id:
//   AppError               → its status, message and headers
//   ZodError               → 400 bad_request; the issues in `details` (Shiplog answers 400 for
//                            any request it cannot use, malformed or invalid alike)
//   Prisma P2025           → 404 not_found
//   database unreachable   → 503 service_unavailable, logged
//   client went away       → 400 bad_request, not logged (nobody reads the answer; nothing broke)
//   anything else          → logged with the request id, answered with a generic 500
import { z } from "zod";
import { requestIdOf } from "../audit/request-id";
import { isDatabaseUnavailable } from "../db/is-database-unavailable";
import { AppError } from "./app-error";
import { isClientAbort } from "./is-client-abort";

export type RouteHandler<Context> = (request: Request, context: Context) => Promise<Response>;

export function withErrorHandling<Context = unknown>(handler: RouteHandler<Context>): RouteHandler<Context> {
  return async (request, context) => {
    const requestId = requestIdOf(request);
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (error) {
      const appError = isClientAbort(error, request)
        ? new AppError("bad_request", "The client closed the connection before the request was read.", { cause: error })
        : toAppError(error);
      response = errorResponse(appError, requestId, request, error);
    }
    response.headers.set("X-Request-Id", requestId);
    return response;
  };
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
    console.error(`[http] ${requestId} ${request.method} ${pathname} → ${error.status} ${error.code}: ${error.message}`, detail);
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
