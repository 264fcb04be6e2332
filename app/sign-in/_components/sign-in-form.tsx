"use client";

import { useState } from "react";
import { describeSignInError } from "./sign-in-messages";

type Props = { next: string; methods: { local: boolean; oidc: string | null; github: boolean }; initialError: string | null };

const buttonClass =
  "w-full rounded-md px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:opacity-60";

/** Email and password, and a button per configured identity provider. */
export function SignInForm({ next, methods, initialError }: Props) {
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function post(path: string, body: unknown): Promise<{ ok: boolean; data: { url?: string; code?: string; message?: string } }> {
    const response = await fetch(`/api/auth${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const data = (await response.json().catch(() => ({}))) as { url?: string; code?: string; message?: string };
    return { ok: response.ok, data };
  }

  async function signInLocal(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const { ok, data } = await post("/sign-in/email", { email: form.get("email"), password: form.get("password") });
      if (!ok) {
        setError(describeSignInError(data.code ?? "unknown"));
        return;
      }
      window.location.assign(next);
    } catch {
      setError("Shiplog did not answer. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  async function signInWith(provider: "oidc" | "github") {
    setBusy(true);
    setError(null);
    try {
      const { ok, data } = await post("/sign-in/social", {
        provider,
        callbackURL: next,
        errorCallbackURL: `/sign-in?next=${encodeURIComponent(next)}`,
      });
      if (!ok || !data.url) {
        setError(describeSignInError(data.code ?? "unknown"));
        setBusy(false);
        return;
      }
      window.location.assign(data.url);
    } catch {
      setError("Shiplog did not answer. Check your connection and try again.");
      setBusy(false);
    }
  }

  const providers = methods.oidc !== null || methods.github;
  return (
    <div className="space-y-6">
      {error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          {error}
        </p>
      ) : null}
      {providers ? (
        <div className="space-y-3">
          {methods.oidc !== null ? (
            <button type="button" disabled={busy} onClick={() => signInWith("oidc")} className={`${buttonClass} bg-zinc-900 text-white hover:bg-zinc-700`}>
              Sign in with {methods.oidc}
            </button>
          ) : null}
          {methods.github ? (
            <button type="button" disabled={busy} onClick={() => signInWith("github")} className={`${buttonClass} border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50`}>
              Sign in with GitHub
            </button>
          ) : null}
        </div>
      ) : null}
      {methods.local ? (
        <form onSubmit={signInLocal} className="space-y-4" aria-label="Sign in with email and password">
          {providers ? <p className="text-xs font-medium uppercase tracking-wide text-zinc-600">Or with a local account</p> : null}
          <div className="space-y-1">
            <label htmlFor="email" className="block text-sm font-medium text-zinc-800">
              Email
            </label>
            <input id="email" name="email" type="email" autoComplete="username" required className="w-full rounded-md border border-zinc-300 px-3 py-2 text-sm" />
          </div>
          <div className="space-y-1">
            <label htmlFor="password" className="block text-sm font-medium text-zinc-800">
              Password
            </label>
            <input id="password" name="password" type="password" autoComplete="current-password" required className="w-full rounded-md border border-zinc-300 px-3 py-2 text-sm" />
          </div>
          <button type="submit" disabled={busy} className={`${buttonClass} bg-zinc-900 text-white hover:bg-zinc-700`}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : null}
      {!providers && !methods.local ? (
        <p className="text-sm text-zinc-700">No sign-in method is configured. An operator sets OIDC_*, GITHUB_OAUTH_* or turns local sign-in back on (docs/auth.md).</p>
      ) : null}
    </div>
  );
}
