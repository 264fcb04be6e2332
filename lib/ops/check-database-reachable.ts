// Start-up check for an external DATABASE_URL: one connection and `SELECT 1` within the
// connect timeout, so an unreachable server fails with one message naming the setting,
// the host and the driver's reason, and never the password.
import pg from "pg";
import { StartupError } from "../startup-error";

/** `user@host:port/database` of a connection URL, without its password (for messages and logs). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : "";
    const host = parsed.hostname || "localhost";
    return `${user}${host}:${parsed.port || "5432"}${parsed.pathname || "/"}`;
  } catch {
    return "(an unparseable URL)";
  }
}

/** Connects once and runs `SELECT 1`; throws a StartupError naming DATABASE_URL when that fails. */
export async function checkDatabaseReachable(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A server that drops the connection later emits 'error' on the client; without a listener
  // that would crash the process instead of rejecting connect().
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new StartupError(
      `DATABASE_URL points at ${describeDatabaseUrl(url)}, which cannot be reached: ${reasonOf(error, url, timeoutMs)}. ` +
        "Check that PostgreSQL runs there and accepts this user, or fix DATABASE_URL " +
        "(unset it to use the embedded PostgreSQL).",
      "DATABASE_URL",
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

const hints: Record<string, string> = {
  ECONNREFUSED: "nothing is listening on that host and port",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved right now",
  EHOSTUNREACH: "the host is unreachable",
  ETIMEDOUT: "the connection timed out",
  "28P01": "wrong user name or password",
  "28000": "the server refused this user or client address (pg_hba.conf)",
  "3D000": "that database does not exist; create it first",
};

function reasonOf(error: unknown, url: string, timeoutMs: number): string {
  const err = error as NodeJS.ErrnoException & { errors?: Error[] };
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  const message = err.message || (err.errors ?? []).map((inner) => inner.message).join("; ") || String(error);
  let reason = /timeout/i.test(message)
    ? `no answer within ${timeoutMs} ms (DATABASE_CONNECT_TIMEOUT_MS)`
    : `${message}${err.code && hints[err.code] ? ` (${hints[err.code]})` : ""}`;
  const password = passwordOf(url);
  if (password) reason = reason.split(password).join("****");
  return reason;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
