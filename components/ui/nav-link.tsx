"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** A top-nav link that marks itself current on its own page and the pages under it. */
export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const pathname = usePathname();
  const current = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={`flex items-center border-b-2 pt-0.5 ${
        current ? "border-zinc-900 text-zinc-950" : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-950"
      }`}
    >
      {children}
    </Link>
  );
}
