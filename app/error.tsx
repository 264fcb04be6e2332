"use client";

import { useEffect } from "react";

/**
 * What a page shows when its server read fails (database down, a bug). The server has logged the
 * error with its digest; the reader gets the digest to quote and a way to try again.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="space-y-4 rounded-lg border border-red-200 bg-red-50 px-6 py-8">
      <h1 className="text-xl font-semibold text-red-950">This page could not be loaded</h1>
      <p className="text-sm text-red-900">
        Shiplog could not read what this page shows. If the database is restarting, trying again in a moment usually works.
        {error.digest ? (
          <>
            {" "}
            Error reference: <code className="font-mono">{error.digest}</code>.
          </>
        ) : null}
      </p>
      <button
        type="button"
        onClick={reset}
        className="rounded-md bg-red-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-900"
      >
        Try again
      </button>
    </div>
  );
}
