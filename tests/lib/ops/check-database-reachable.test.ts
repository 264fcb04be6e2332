import { describe, expect, inject, it } from "vitest";
import { checkDatabaseReachable, describeDatabaseUrl } from "../../../lib/ops/check-database-reachable";
import { withDatabase } from "../../support/postgres-admin";

describe("describeDatabaseUrl", () => {
  it("keeps user, host, port and database, and drops the password", () => {
    expect(describeDatabaseUrl("postgresql://ops:s3cret@db.internal:6432/shiplog?sslmode=require")).toBe(
      "ops@db.internal:6432/shiplog",
    );
  });

  it("fills in PostgreSQL's default port", () => {
    expect(describeDatabaseUrl("postgres://db.internal/shiplog")).toBe("db.internal:5432/shiplog");
  });
});

describe("checkDatabaseReachable", () => {
  it("resolves for a server that answers", async () => {
    await expect(checkDatabaseReachable(withDatabase(inject("serverUrl"), "postgres"), 2_000)).resolves.toBeUndefined();
  });

  it("names a missing database, and DATABASE_URL", async () => {
    const url = withDatabase(inject("serverUrl"), "shiplog_no_such_database");
    await expect(checkDatabaseReachable(url, 2_000)).rejects.toMatchObject({
      setting: "DATABASE_URL",
      message: expect.stringContaining("that database does not exist"),
    });
  });

  it("reports a wrong password without repeating it", async () => {
    const url = new URL(withDatabase(inject("serverUrl"), "postgres"));
    url.password = "definitely-wrong-password";
    const error = await checkDatabaseReachable(url.toString(), 2_000).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("wrong user name or password");
    expect((error as Error).message).not.toContain("definitely-wrong-password");
  });
});
