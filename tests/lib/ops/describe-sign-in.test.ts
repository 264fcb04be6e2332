// The closing lines of `npm start` (issue 16): the sign-in address, and a first start's
// administrator and one-time password as the very last lines. The real start prints them
// (tests/http/start-embedded-postgres-restart.test.ts); here every case of what they say.
import { describe, expect, it } from "vitest";
import { describeSignIn } from "../../../lib/ops/describe-sign-in";

const local = { PORT: 3100, SHIPLOG_PUBLIC_URL: undefined };

describe("describeSignIn", () => {
  it("ends a first start with the address, email and one-time password", () => {
    const lines = describeSignIn(local, { created: true, email: "admin@shiplog.local", password: "pw-abcdefghijklmnopqrstu" }, "12.5");
    expect(lines[0]).toBe("ready in 12.5 s. Ctrl-C stops Shiplog.");
    expect(lines.slice(-3)).toEqual([
      "  address:  http://localhost:3100/sign-in",
      "  email:    admin@shiplog.local",
      "  password: pw-abcdefghijklmnopqrstu   (one-time: shown only now; change it at /settings/account after signing in)",
    ]);
  });

  it("uses SHIPLOG_PUBLIC_URL for the address when it is set", () => {
    const lines = describeSignIn({ PORT: 3100, SHIPLOG_PUBLIC_URL: "https://shiplog.example.com" }, { created: true, email: "ops@example.com", password: "x".repeat(24) }, "1.0");
    expect(lines).toContain("  address:  https://shiplog.example.com/sign-in");
    expect(lines.join("\n")).not.toContain("localhost");
  });

  it("never prints a password the operator configured", () => {
    const lines = describeSignIn(local, { created: true, email: "admin@shiplog.local", password: null }, "1.0");
    expect(lines.at(-1)).toBe("  password: the one in SHIPLOG_ADMIN_PASSWORD");
  });

  it("says only where to open Shiplog on later starts", () => {
    expect(describeSignIn(local, { created: false }, "3.2")).toEqual(["ready in 3.2 s. Ctrl-C stops Shiplog.", "Open http://localhost:3100 in your browser."]);
  });
});
