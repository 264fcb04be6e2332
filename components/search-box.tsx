"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { searchBoxTarget } from "@/lib/trace/route-search-query";

/**
 * The header's search: a service name, a commit SHA or prefix, a pull request or a ticket key.
 * Enter goes to /search, which sends an exact service name to its page and a commit, pull
 * request or ticket to the commit page, and lists near matches otherwise.
 */
export function SearchBox() {
  const router = useRouter();
  const inputId = useId();
  const messageId = useId();
  const [message, setMessage] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = new FormData(event.currentTarget).get("q");
    const route = searchBoxTarget(typeof text === "string" ? text : "");
    if (route.kind === "go") {
      setMessage(null);
      router.push(route.href);
    } else if (route.kind === "unrecognised") {
      setMessage(route.message);
    }
  }

  return (
    <form role="search" action="/search" onSubmit={submit} className="relative flex items-center lg:ml-auto">
      <label htmlFor={inputId} className="sr-only">
        Search services, commits, pull requests and tickets
      </label>
      <input
        id={inputId}
        name="q"
        type="search"
        autoComplete="off"
        spellCheck={false}
        placeholder="Service, SHA, owner/repo#123 or PAY-123"
        aria-describedby={message ? messageId : undefined}
        aria-invalid={message ? true : undefined}
        onChange={() => setMessage(null)}
        className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm text-zinc-900 placeholder:text-zinc-500 lg:w-64 xl:w-72"
      />
      <p
        id={messageId}
        role="status"
        className={`absolute top-full right-0 z-10 mt-1 w-full rounded-md border border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 shadow-sm ${message ? "" : "sr-only"}`}
      >
        {message}
      </p>
    </form>
  );
}
