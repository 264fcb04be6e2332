import type { Metadata } from "next";
import { connection } from "next/server";
import { hasLocalPassword } from "@/lib/auth/has-local-password";
import { getDb } from "@/lib/db/client";
import { requirePageViewer } from "../../_auth/require-page-viewer";
import { ChangePasswordForm } from "./_components/change-password-form";

export const metadata: Metadata = { title: "Your account" };

/** One's own account: who Shiplog knows you as, and changing one's password. */
export default async function AccountPage() {
  await connection();
  const viewer = await requirePageViewer();
  // The primary: a password just set by `npm run admin -- reset-password` must show at once.
  const local = await hasLocalPassword(viewer.id, { db: getDb() });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Your account</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Signed in as <span className="font-medium text-zinc-900">{viewer.name || viewer.email}</span> ({viewer.email}).
        </p>
      </div>
      <section aria-labelledby="change-password" className="max-w-md space-y-3">
        <h2 id="change-password" className="text-lg font-semibold text-zinc-950">
          Change password
        </h2>
        {local ? (
          <ChangePasswordForm />
        ) : (
          <p className="text-sm text-zinc-700">
            You sign in through single sign-on, so Shiplog holds no password for you: change it at your identity provider.
          </p>
        )}
      </section>
    </div>
  );
}
