import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { EmptyState } from "@/components/ui/empty-state";
import { findServicesByName } from "@/lib/search/find-services-by-name";
import { EMPTY_SEARCH, NOTHING_MATCHES, routeSearchQuery } from "@/lib/trace/route-search-query";

export const metadata: Metadata = { title: "Search" };

/** Near matches listed when the text names no service exactly and reads as no commit. */
const MAX_MATCHES = 20;

type Props = { searchParams: Promise<{ q?: string | string[] }> };

export default async function SearchPage({ searchParams }: Props) {
  // Service names change as Argo CD reports new applications; `next build` has no database.
  await connection();
  await requirePageViewer();
  const raw = (await searchParams).q;
  const text = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 200) ?? "";
  const matches = text === "" ? [] : await findServicesByName(text, { limit: MAX_MATCHES });
  const route = routeSearchQuery(text, { exactService: matches.find((match) => match.exact)?.name });
  if (route.kind === "go") redirect(route.href);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">
          {text === "" ? "Search" : <>Search for <span className="font-mono">{text}</span></>}
        </h1>
        <p className="mt-1 text-sm text-zinc-600">
          The search box takes a service name, a commit SHA or prefix, a pull request (owner/repo#123 or its URL) or a ticket key.
        </p>
      </div>
      {route.kind === "unrecognised" ? (
        <EmptyState title={EMPTY_SEARCH} />
      ) : matches.length === 0 ? (
        <EmptyState title={`${NOTHING_MATCHES} “${text}”`}>
          Service names match anywhere in the name; a commit needs at least 7 hex characters of its SHA.
        </EmptyState>
      ) : (
        <section aria-labelledby="service-matches" className="space-y-2">
          <h2 id="service-matches" className="text-lg font-semibold text-zinc-950">
            Services whose name contains “{text}”
          </h2>
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white shadow-xs">
            {matches.map((match) => (
              <li key={match.name} className="flex items-baseline justify-between px-4 py-2.5 text-sm">
                <Link href={`/services/${encodeURIComponent(match.name)}`} className="font-medium text-sky-800 hover:underline">
                  {match.name}
                </Link>
                <span className="text-zinc-600">{match.team?.name ?? "no team"}</span>
              </li>
            ))}
          </ul>
          {matches.length === MAX_MATCHES ? (
            <p className="text-sm text-zinc-600">Showing the first {MAX_MATCHES}; type more of the name to narrow them down.</p>
          ) : null}
        </section>
      )}
    </div>
  );
}
