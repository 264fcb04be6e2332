"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useTransition } from "react";

/** Finds people by email or name; the text lives in the URL (?q=). */
export function UserSearch({ initial }: { initial: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get("q") ?? "").trim();
    startTransition(() => router.push(q ? `/settings/users?${new URLSearchParams({ q })}` : "/settings/users"));
  }
  return (
    <form role="search" onSubmit={search} className="flex items-end gap-2 text-sm">
      <label className="flex min-w-0 flex-1 flex-col gap-1 sm:flex-none">
        <span className="font-medium text-zinc-700">Find a person</span>
        <input name="q" defaultValue={initial} placeholder="email or name" className="w-full rounded-md sm:w-72 border border-zinc-300 px-2 py-1 text-zinc-900 placeholder:text-zinc-500" />
      </label>
      <button type="submit" disabled={pending} className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60">
        {pending ? "Searching…" : "Search"}
      </button>
    </form>
  );
}
