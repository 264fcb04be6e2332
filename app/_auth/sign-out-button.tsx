"use client";

import { useState } from "react";

/** Ends the session on the server (the row is deleted), then shows the sign-in page. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        // The body is read before leaving, so the navigation does not cut the answer off.
        await fetch("/api/auth/sign-out", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
          .then((response) => response.text())
          .catch(() => undefined);
        // A full page load, not router.push: it drops every client cache of the signed-out person.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign("/sign-in");
      }}
      className="rounded-md border border-zinc-300 px-2.5 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900"
    >
      Sign out
    </button>
  );
}
