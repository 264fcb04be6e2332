import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { signInMethods } from "@/lib/auth/get-auth";
import { readViewer } from "@/lib/auth/read-viewer";
import { canAnywhere } from "@/lib/auth/roles";
import { SignOutButton } from "@/app/_auth/sign-out-button";
import { SignInForm } from "./_components/sign-in-form";
import { describeSignInError, safeNextPath } from "./_components/sign-in-messages";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  await connection();
  const query = await searchParams;
  const next = safeNextPath(typeof query.next === "string" ? query.next : undefined);
  // Already signed in (a bookmark of this page, the back button): go where they were headed.
  const viewer = await readViewer(await headers());
  if (viewer && canAnywhere(viewer, "read")) redirect(next);
  const methods = signInMethods();
  const error = typeof query.error === "string" ? describeSignInError(query.error) : null;

  return (
    <div className="mx-auto max-w-sm space-y-6 py-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Sign in to Shiplog</h1>
        <p className="mt-1 text-sm text-zinc-600">Release history and rollbacks for the whole fleet, for the people allowed to see them.</p>
      </div>
      {viewer ? (
        <div className="space-y-4">
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
            You are signed in as {viewer.email}, but Shiplog has given you no role yet. Ask an administrator to grant you one, then sign in again.
          </p>
          <SignOutButton />
        </div>
      ) : (
        <SignInForm next={next} methods={methods} initialError={error} />
      )}
    </div>
  );
}
