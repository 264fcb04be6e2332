// fetch for the rollback routes: JSON in and out, and the route's own words on failure (its
// `error.message` is written for the person who clicked), never a bare status.
export class RollbackApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export async function callRollbackApi<Result>(path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Result> {
  const response = await fetch(path, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { Accept: "application/json", ...(init.body === undefined ? {} : { "Content-Type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): reported by status below.
  }
  if (!response.ok) {
    const error = (parsed as { error?: { message?: string; details?: unknown } } | null)?.error;
    throw new RollbackApiError(error?.message ?? `Shiplog answered ${response.status} ${response.statusText}.`, response.status, error?.details);
  }
  return parsed as Result;
}
