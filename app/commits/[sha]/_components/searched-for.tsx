"use client";

import { usePathname } from "next/navigation";
import { searchedText } from "./searched-text";

/** What was searched, read from the address: not-found pages receive no params. */
export function SearchedFor() {
  const segment = usePathname().split("/").filter(Boolean)[1] ?? "";
  return <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-900">{searchedText(segment)}</code>;
}
