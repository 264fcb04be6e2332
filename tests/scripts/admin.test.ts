// `npm run admin -- reset-password` as an operator runs it: a real child process on this file's
// database. The new password (printed, or read from stdin) signs in and the old one no longer
// does, the person's sessions end, the reset is audited with the command-line user as actor, and
// an unknown email or a short password is refused with a message and exit code 1, changing nothing.
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../lib/auth/get-auth";
import { getDb } from "../../lib/db/client";
import { databaseUrl } from "../../lib/env";
import { signIn } from "../support/sign-in";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

function admin(args: string[], stdin?: string) {
  const child = run(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/admin.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl() },
  });
  child.child.stdin!.end(stdin ?? "");
  return child;
}

async function signsIn(email: string, password: string): Promise<boolean> {
  const response = await createAuth(getDb()).api.signInEmail({ body: { email, password }, asResponse: true });
  return response.ok;
}

describe("npm run admin -- reset-password", () => {
  it("prints a new one-time password that signs in, ends the old sessions, and audits the reset", { timeout: 90_000 }, async () => {
    const user = await signIn([{ role: "viewer", teamId: null }]);
    expect(await getDb().session.count({ where: { userId: user.userId } })).toBe(1);

    // Any case of the email finds the person.
    const { stdout, stderr } = await admin(["reset-password", user.email.toUpperCase()]);
    const password = stdout.trim();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(stderr).toContain(`New one-time password for ${user.email} (1 session(s) ended)`);

    expect(await getDb().session.count({ where: { userId: user.userId } })).toBe(0);
    expect(await signsIn(user.email, user.password)).toBe(false);
    expect(await signsIn(user.email, password)).toBe(true);

    const events = await getDb().auditEvent.findMany({ where: { action: "password.reset", targetId: user.userId } });
    expect(events.map((event) => [event.actor, event.outcome, event.detail])).toEqual([
      [`cli:${os.userInfo().username}@${os.hostname()}`, "success", { email: user.email, sessionsEnded: 1, accountCreated: false }],
    ]);
    expect(JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toContain(password);
  });

  it("reads the new password from stdin with --password-stdin, printing nothing secret", { timeout: 90_000 }, async () => {
    const user = await signIn([{ role: "viewer", teamId: null }]);
    const chosen = "correct horse battery staple";
    const { stdout, stderr } = await admin(["reset-password", user.email, "--password-stdin"], `${chosen}\n`);
    expect(stdout + stderr).not.toContain(chosen);
    expect(stdout).toContain(`Set the password of ${user.email} from stdin`);
    expect(await signsIn(user.email, chosen)).toBe(true);
  });

  it("refuses an unknown email, a short password and a missing email, changing nothing", { timeout: 90_000 }, async () => {
    const before = await getDb().auditEvent.count();
    await expect(admin(["reset-password", "nobody@shiplog.test"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No user has the email "nobody@shiplog.test"'),
    });
    const user = await signIn([{ role: "viewer", teamId: null }]);
    await expect(admin(["reset-password", user.email, "--password-stdin"], "short\n")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("The new password must be at least 12 characters."),
    });
    expect(await signsIn(user.email, user.password)).toBe(true);
    await expect(admin(["reset-password"])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("usage: npm run admin -- reset-password <email>") });
    expect(await getDb().auditEvent.count()).toBe(before);
  });
});
