// Changing one's own password (POST /api/v1/account/password) in-process on a real database:
// the new password signs in and the old one no longer does, other sessions end when asked (this
// browser gets a fresh cookie), the change is audited; a wrong current password is a clear 400
// that counts towards the account's sign-in backoff (429 with Retry-After after FREE_ATTEMPTS),
// a short new password is refused naming the rule, an account without a Shiplog password gets
// 409, and Better Auth's own /change-password route is switched off.
import { describe, expect, it } from "vitest";
import { POST as changePassword } from "@/app/api/v1/account/password/route";
import { createAuth } from "@/lib/auth/get-auth";
import { FREE_ATTEMPTS } from "@/lib/auth/decide-sign-in-backoff";
import { getDb } from "@/lib/db/client";
import { as, signIn, signedInRequest, type TestUser } from "../../support/sign-in";

async function post(user: TestUser, body: unknown) {
  const response = await changePassword(
    signedInRequest(user, "/api/v1/account/password", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    undefined,
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function signsIn(email: string, password: string): Promise<boolean> {
  return (await createAuth(getDb()).api.signInEmail({ body: { email, password }, asResponse: true })).ok;
}

describe("changing one's own password", () => {
  it("sets the new password, ends the other sessions with a fresh cookie for this one, and audits it", async () => {
    const user = await signIn(as("viewer"));
    await signIn(as("viewer"), { email: `${user.email}.other` }); // someone else's session stays
    expect(await signsIn(user.email, user.password)).toBe(true); // a second session of the same person
    expect(await getDb().session.count({ where: { userId: user.userId } })).toBe(2);

    const answer = await post(user, { currentPassword: user.password, newPassword: "a brand new password", revokeOtherSessions: true });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ otherSessionsEnded: true });
    expect(answer.headers.getSetCookie().some((line) => line.startsWith("shiplog.session_token="))).toBe(true);
    // Both old sessions ended; the one answer's cookie carries is the only one left.
    const sessions = await getDb().session.findMany({ where: { userId: user.userId } });
    expect(sessions).toHaveLength(1);
    expect(user.cookie).not.toContain(sessions[0]!.token);

    expect(await signsIn(user.email, user.password)).toBe(false);
    expect(await signsIn(user.email, "a brand new password")).toBe(true);
    const events = await getDb().auditEvent.findMany({ where: { action: "password.changed", targetId: user.userId } });
    expect(events.map((event) => [event.actor, event.outcome, event.detail])).toEqual([[user.email, "success", { otherSessionsEnded: true }]]);
    expect(JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toContain("brand new");
  });

  it("keeps other sessions unless asked", async () => {
    const user = await signIn(as("engineer"));
    expect(await signsIn(user.email, user.password)).toBe(true);
    const answer = await post(user, { currentPassword: user.password, newPassword: "another new password" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ otherSessionsEnded: false });
    expect(await getDb().session.count({ where: { userId: user.userId } })).toBe(2);
  });

  it("answers a wrong current password 400, counted on the account like a failed sign-in, and 429 while it backs off", async () => {
    const user = await signIn(as("viewer"));
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const wrong = await post(user, { currentPassword: `not it ${attempt}`, newPassword: "whatever new password" });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toBe("The current password is not right.");
    }
    // The same row sign-in counts in (claim-sign-in-attempt.ts).
    const [row] = await getDb().$queryRaw<{ attempts: number }[]>`SELECT attempts FROM sign_in_backoffs WHERE email = ${user.email}`;
    expect(row?.attempts).toBe(2);

    // An account backing off (as after FREE_ATTEMPTS wrong passwords in a row) is refused before the password is checked.
    await getDb().$executeRaw`UPDATE sign_in_backoffs SET attempts = ${FREE_ATTEMPTS + 3}, next_attempt_at = now() + interval '60 seconds' WHERE email = ${user.email}`;
    const refused = await post(user, { currentPassword: user.password, newPassword: "whatever new password" });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/^Too many wrong passwords for this account\. Try again in \d+ s\.$/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(await getDb().auditEvent.count({ where: { action: "password.changed", targetId: user.userId } })).toBe(0);
  });

  it("refuses a short or unchanged new password naming the rule, and changes nothing", async () => {
    const user = await signIn(as("viewer"));
    const short = await post(user, { currentPassword: user.password, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.error)).toContain("must be at least 12 characters");
    const same = await post(user, { currentPassword: user.password, newPassword: user.password });
    expect(same.status).toBe(400);
    expect(JSON.stringify(same.body.error)).toContain("must differ from the current one");
    expect(await signsIn(user.email, user.password)).toBe(true);
  });

  it("answers 409 for a person without a Shiplog password (single sign-on only)", async () => {
    const user = await signIn(as("viewer"));
    await getDb().account.deleteMany({ where: { userId: user.userId, providerId: "credential" } });
    const answer = await post(user, { currentPassword: "anything at all", newPassword: "a new password here" });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/single sign-on/);
  });

  it("leaves Better Auth's own /change-password switched off (it would skip the throttling and the audit)", async () => {
    const user = await signIn(as("viewer"));
    const response = await createAuth(getDb()).handler(
      new Request("http://localhost:3000/api/auth/change-password", {
        method: "POST",
        headers: { cookie: user.cookie, origin: "http://localhost:3000", "content-type": "application/json" },
        body: JSON.stringify({ currentPassword: user.password, newPassword: "sneaky new password" }),
      }),
    );
    expect(response.status).toBe(404);
    expect(await signsIn(user.email, user.password)).toBe(true);
  });
});
