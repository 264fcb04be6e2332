"use client";

import { useId, useState, type FormEvent } from "react";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/users/new-password";

type Problem = { field: "currentPassword" | "newPassword" | "confirmPassword" | null; message: string };

const inputClass = "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 aria-invalid:border-red-600";

/** Current, new and confirmed password, through POST /api/v1/account/password (throttled like sign-in). */
export function ChangePasswordForm() {
  const ids = { current: useId(), next: useId(), confirm: useId(), error: useId(), hint: useId() };
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const currentPassword = String(form.get("currentPassword") ?? "");
    const newPassword = String(form.get("newPassword") ?? "");
    const confirmPassword = String(form.get("confirmPassword") ?? "");
    setDone(null);
    // What the server would refuse anyway, said before asking it.
    if (newPassword.length < MIN_PASSWORD_LENGTH) return setProblem({ field: "newPassword", message: `The new password must be at least ${MIN_PASSWORD_LENGTH} characters.` });
    if (newPassword !== confirmPassword) return setProblem({ field: "confirmPassword", message: "The new password and its confirmation differ." });
    if (newPassword === currentPassword) return setProblem({ field: "newPassword", message: "The new password must differ from the current one." });
    setBusy(true);
    setProblem(null);
    try {
      const response = await fetch("/api/v1/account/password", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ currentPassword, newPassword, revokeOtherSessions: form.get("revokeOtherSessions") === "on" }),
      });
      const data = (await response.json().catch(() => ({}))) as { otherSessionsEnded?: boolean; error?: { message?: string; details?: unknown } };
      if (!response.ok) {
        const field = response.status === 400 && /current password/i.test(data.error?.message ?? "") ? "currentPassword" : null;
        setProblem({ field, message: data.error?.message ?? `Changing the password failed (HTTP ${response.status}).` });
        return;
      }
      formElement.reset();
      setDone(data.otherSessionsEnded ? "Password changed. Every other session was signed out." : "Password changed.");
    } catch {
      setProblem({ field: null, message: "Shiplog did not answer. Check your connection and try again." });
    } finally {
      setBusy(false);
    }
  }

  const invalid = (field: Problem["field"]) => (problem?.field === field ? { "aria-invalid": true, "aria-describedby": ids.error } : {});
  return (
    <form onSubmit={submit} noValidate aria-label="Change password" className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      {problem ? (
        <p id={ids.error} role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          {problem.message}
        </p>
      ) : null}
      {done ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {done}
        </p>
      ) : null}
      <div className="space-y-1">
        <label htmlFor={ids.current} className="block text-sm font-medium text-zinc-800">
          Current password
        </label>
        <input id={ids.current} name="currentPassword" type="password" autoComplete="current-password" required maxLength={MAX_PASSWORD_LENGTH} className={inputClass} {...invalid("currentPassword")} />
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.next} className="block text-sm font-medium text-zinc-800">
          New password
        </label>
        <input
          id={ids.next}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={MAX_PASSWORD_LENGTH}
          className={inputClass}
          aria-describedby={problem?.field === "newPassword" ? `${ids.hint} ${ids.error}` : ids.hint}
          aria-invalid={problem?.field === "newPassword" ? true : undefined}
        />
        <p id={ids.hint} className="text-xs text-zinc-600">
          {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.confirm} className="block text-sm font-medium text-zinc-800">
          Confirm new password
        </label>
        <input id={ids.confirm} name="confirmPassword" type="password" autoComplete="new-password" required maxLength={MAX_PASSWORD_LENGTH} className={inputClass} {...invalid("confirmPassword")} />
      </div>
      <label className="flex items-center gap-2 text-sm text-zinc-800">
        <input name="revokeOtherSessions" type="checkbox" className="size-4 rounded border-zinc-300" />
        Sign out every other session (other browsers and devices)
      </label>
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:opacity-60"
      >
        {busy ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
