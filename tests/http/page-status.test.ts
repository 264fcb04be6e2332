// Pages answer with the status they show (issue 16): an unknown or malformed rollback id is a
// 404 with the not-found page, an admin page asked for by someone without the admin role a
// 403 with the notice naming the role, over real HTTP against `next start`. Both checks sit in
// a layout, before the page streams behind its loading.tsx (which would have sent a 200).
import { describe, expect, inject, it } from "vitest";
import { as, signIn } from "../support/sign-in";

const base = inject("shiplogUrl");

async function get(path: string, cookie: string): Promise<{ status: number; html: string }> {
  const response = await fetch(new URL(path, base), { headers: { cookie }, redirect: "manual" });
  return { status: response.status, html: await response.text() };
}

describe("page statuses", () => {
  it("answers 404 with the rollback not-found page for an id no rollback has, or no id at all", async () => {
    const { cookie } = await signIn(as("viewer"));
    for (const id of ["999999", "2147483647", "0", "abc", "12abc"]) {
      const answer = await get(`/rollbacks/${id}`, cookie);
      expect(answer.status, id).toBe(404);
      expect(answer.html, id).toContain("Rollback not found");
    }
  });

  it("answers 403 with the notice on admin pages for a viewer, and 200 for an admin", async () => {
    const viewer = await signIn(as("viewer"));
    const admin = await signIn(as("admin"));
    for (const [path, title] of [
      ["/audit", "The audit log is for admins"],
      ["/settings/users", "Users and roles are for admins"],
      ["/settings/tokens", "Webhook tokens are for admins"],
    ] as const) {
      const refused = await get(path, viewer.cookie);
      expect(refused.status, path).toBe(403);
      expect(refused.html, path).toContain(title);
      expect(refused.html, path).toContain("403 · Not allowed");
      // (Not the absence of the notice's text: Next ships the forbidden boundary in every page's payload.)
      const allowed = await get(path, admin.cookie);
      expect(allowed.status, path).toBe(200);
    }
  });

  it("still sends a signed-out visitor to sign in rather than answering 403", async () => {
    const answer = await fetch(new URL("/audit", base), { redirect: "manual" });
    expect([303, 307, 308]).toContain(answer.status);
    expect(answer.headers.get("location")).toMatch(/\/sign-in\?next=%2Faudit$/);
  });
});

describe("the ingestion page's webhook URLs", () => {
  it("come from SHIPLOG_PUBLIC_URL, whatever address the page was opened at", async () => {
    // The shared server runs with SHIPLOG_PUBLIC_URL set to its own address (tests/support/shiplog-server.ts).
    const { cookie } = await signIn(as("viewer"));
    const response = await fetch(new URL("/settings/integrations", base), { headers: { cookie, "x-forwarded-host": "elsewhere.example", "x-forwarded-proto": "https" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`${base}/api/webhooks/argocd`);
    expect(html).not.toContain("elsewhere.example");
    expect(html).toMatch(/from <code[^>]*>SHIPLOG_PUBLIC_URL<\/code>/);
    expect(html).not.toContain("no public-URL setting");
  });
});
