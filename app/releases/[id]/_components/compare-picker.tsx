"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";

type Choice = { id: number; version: string; firstSeenAt: string };

/** Chooses the release to compare with; the choice lives in the URL (?compare=<id>). */
export function ComparePicker({ choices, selected }: { choices: Choice[]; selected: number | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const [value, setValue] = useState(selected === null ? "" : String(selected));
  const [pending, startTransition] = useTransition();

  return (
    <form
      role="search"
      aria-label="Compare with another release"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(() => router.push(value === "" ? pathname : `${pathname}?compare=${value}`, { scroll: false }));
      }}
    >
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
        Compare with
        <select
          name="compare"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          className="min-w-56 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-800"
        >
          <option value="">Choose a release…</option>
          {choices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.version} ({choice.firstSeenAt.slice(0, 10)})
            </option>
          ))}
        </select>
      </label>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:opacity-60"
      >
        {pending ? "Comparing…" : "Compare"}
      </button>
    </form>
  );
}
