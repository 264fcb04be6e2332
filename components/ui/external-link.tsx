import type { ReactNode } from "react";
import { safeHref } from "@/lib/links/web-url";

/**
 * A link to another site (GitHub, Argo CD) whose URL came from a payload, a setting or the
 * database: rendered as a link only when it is http(s) (lib/links/web-url.ts). Anything else,
 * `javascript:` and `data:` included, and no URL at all render `fallback` (by default the text,
 * not styled as a link). Every href to another site in the app goes through here.
 */
export function ExternalLink({ href, className, children, fallback }: { href: string | null | undefined; className?: string; children: ReactNode; fallback?: ReactNode }) {
  const safe = safeHref(href);
  if (safe === null) return fallback === undefined ? <span>{children}</span> : fallback;
  return (
    <a href={safe} className={className}>
      {children}
    </a>
  );
}
