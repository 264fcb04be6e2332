import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { signInMethods } from "@/lib/auth/get-auth";
import { readViewer } from "@/lib/auth/read-viewer";
import { SignInForm } from "./_components/sign-in-form";
import { describeSignInError, safeNextPath } from "./_components/sign-in-messages";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  await connection();
  const query = await searchParams;
  const next = safeNextPath(typeof query.next === "string" ? query.next : undefined);
  // Already signed in (a bookmark of this page, the back button): go where they were headed.
  if (await readViewer(await headers())) redirect(next);
  const methods = signInMethods();
  const error = typeof query.error === "string" ? describeSignInError(query.error) : null;

  return (
    <div className="mx-auto max-w-sm space-y-6 py-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Sign in to Shiplog</h1>
        <p className="mt-1 text-sm text-zinc-600">Release history and rollbacks for the whole fleet, for the people allowed to see them.</p>
      </div>
      <SignInForm next={next} methods={methods} initialError={error} />
    </div>
  );
}
