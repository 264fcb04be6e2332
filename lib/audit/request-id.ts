// The request id of an HTTP request: the caller's X-Request-Id when it looks like one (a proxy's),
// else a new UUID, the same for every caller asking about the same Request. withErrorHandling
// echoes it back in the X-Request-Id header, and audit events store it, so an operator can find
// the audit row of a request from its response (or from the proxy's log).
import { randomUUID } from "node:crypto";

const assigned = new WeakMap<Request, string>();

export function requestIdOf(request: Request): string {
  let id = assigned.get(request);
  if (id === undefined) {
    const given = request.headers.get("x-request-id");
    id = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    assigned.set(request, id);
  }
  return id;
}
