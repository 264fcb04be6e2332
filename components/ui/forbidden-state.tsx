import type { ReactNode } from "react";

/** A page the signed-in person may not use: says which role it needs instead of pretending it is not there. */
export function ForbiddenState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-6 py-10 text-center">
      <p className="text-sm font-semibold tracking-wide text-amber-900 uppercase">403 · Not allowed</p>
      <h1 className="mt-2 text-xl font-semibold text-zinc-950">{title}</h1>
      {children ? <div className="mt-2 text-sm text-zinc-700">{children}</div> : null}
    </div>
  );
}
