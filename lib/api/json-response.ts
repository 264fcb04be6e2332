// The read API's success answer: compact JSON (Dates become ISO strings through toJSON), never
// cached by browsers or proxies, because it describes a fleet that changes by the minute.
export function jsonResponse(body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { headers: { "Cache-Control": "no-store", ...headers } });
}
