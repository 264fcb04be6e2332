// "The database is unavailable" (503, retry later) only for errors that come from the database
// connection: a client hanging up mid-upload fails the request body with code ECONNRESET too,
// and that once made every client disconnect a logged 503 (issue 14, finding 9b).
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db/is-database-unavailable";
import { freePort } from "../../support/postgres-admin";
import { withAbortedUpload } from "../../support/aborted-upload";

describe("isDatabaseUnavailable", () => {
  it("is false for the error a request body fails with when the client hangs up", async () => {
    const { error } = await withAbortedUpload((request) => request.text());
    expect(error).toMatchObject({ code: "ECONNRESET" });
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("is true for node-postgres failing to connect (ECONNREFUSED from connect)", async () => {
    const client = new pg.Client({ connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2_000 });
    const error = await client.connect().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeDefined();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("is true for a socket error of the database connection, and for one wrapped as a cause", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", errno: -104, syscall: "read" });
    expect(isDatabaseUnavailable(reset)).toBe(true);
    expect(isDatabaseUnavailable(new Error("query failed", { cause: reset }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))).toBe(false);
  });
});
