// Whether a route handler failed because the client went away (closed the tab, cancelled a
// fetch, a sender timed out mid-upload), not because Shiplog or its database did. Such a request
// has nobody to answer and nothing to fix, so withErrorHandling neither logs it nor blames the
// database: reading the body of an aborted request fails with Node's `Error: aborted` (code
// ECONNRESET), which once passed for a lost database connection (issue 14, finding 9b).
// Only the error's own shape counts: a real failure that coincides with a hang-up is still logged.
export function isClientAbort(error: unknown, request: Request): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message, syscall, name } = error as { code?: unknown; message?: unknown; syscall?: unknown; name?: unknown };
  // node:_http_server's abortIncoming: a body cut off by the client's hang-up (a socket's own
  // ECONNRESET, say the database's, carries a syscall).
  if (code === "ECONNRESET" && message === "aborted" && syscall === undefined) return true;
  // Next's marker for a response the client stopped reading; an AbortError once the request's
  // signal (which Next aborts on disconnect) has fired.
  return name === "ResponseAborted" || (name === "AbortError" && request.signal.aborted);
}
