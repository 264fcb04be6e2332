"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { adminRequest } from "../../users/_components/admin-request";

type Created = { id: number; source: "ARGOCD" | "BUILD" | "DEPLOYER" | "GITLAB" | "FLUX"; name: string; token: string };

/** Creates a token and shows it this once, with a copy button; leaving the page forgets it. */
export function CreateTokenForm() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    startTransition(async () => {
      try {
        setCreated(await adminRequest<Created>("/api/v1/webhook-tokens", "POST", { source: data.get("source"), name: data.get("name") }));
        form.reset();
        router.refresh();
      } catch (failure) {
        setCreated(null);
        setError((failure as Error).message);
      }
    });
  }

  return (
    <section aria-labelledby="create-token" className="space-y-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
      <h2 id="create-token" className="text-base font-semibold text-zinc-950">
        Create a token
      </h2>
      <form onSubmit={create} className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">For</span>
          <select name="source" defaultValue="argocd" className="max-w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-zinc-900">
            <option value="argocd">Argo CD</option>
            <option value="build">CI build reports</option>
            <option value="deployer">Deployment events</option>
            <option value="gitlab">GitLab</option>
            <option value="flux">Flux</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">Name</span>
          <input name="name" required placeholder="prod-eu" className="w-56 rounded-md border border-zinc-300 px-2 py-1 text-zinc-900 placeholder:text-zinc-500" />
        </label>
        <button type="submit" disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {created ? (
        <div role="status" className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <code data-testid="new-token" className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy token" />
          </div>
        </div>
      ) : null}
    </section>
  );
}
