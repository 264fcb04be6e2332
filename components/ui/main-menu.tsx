"use client";

import { usePathname } from "next/navigation";
import { type ReactNode, useId, useState } from "react";

/**
 * The header's navigation, search and account controls: in a row on wide screens, behind a Menu
 * button below 1024 px (the row no longer fits). Opening it remembers the page it was opened on,
 * so following a link closes it without an effect.
 */
export function MainMenu({ children }: { children: ReactNode }) {
  const id = useId();
  const pathname = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpenOn(open ? null : pathname)}
        className="ml-auto inline-flex items-center gap-2 rounded-md border border-zinc-300 px-2.5 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-50 lg:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
          {open ? <path d="M3.5 3.5l9 9m0-9l-9 9" /> : <path d="M2 4h12M2 8h12M2 12h12" />}
        </svg>
        Menu
      </button>
      <div
        id={id}
        className={`${open ? "flex" : "hidden"} absolute inset-x-0 top-full z-20 flex-col gap-4 border-b border-zinc-200 bg-white px-4 py-4 shadow-sm lg:static lg:z-auto lg:flex lg:flex-1 lg:flex-row lg:items-center lg:gap-4 lg:self-stretch lg:border-0 lg:p-0 lg:shadow-none`}
      >
        {children}
      </div>
    </>
  );
}
