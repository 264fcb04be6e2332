"use client";

// "Roll back" control: opens the rollback dialog for one application, deployment or release.
// Pages render it only for people allowed to roll back that service (can() on the server); the
// routes check again, so hiding it is a convenience, not the guard.
import { useState } from "react";
import type { RollbackScope } from "@/lib/rollback/rollback-plan";
import { RollbackDialog } from "./rollback-dialog";

export function RollbackButton({ scope, subject, compact = false }: { scope: RollbackScope; subject: string; compact?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        className={
          compact
            ? "rounded border border-red-300 bg-white px-2 py-0.5 text-xs font-medium text-red-800 hover:bg-red-50"
            : "rounded bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800"
        }
      >
        Roll back<span className="sr-only"> {subject}</span>
      </button>
      {open ? <RollbackDialog scope={scope} subject={subject} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
