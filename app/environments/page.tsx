import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { LagLinks, LagSummary } from "@/components/environments/environment-lag";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { StatCard } from "@/components/ui/stat-card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/roles";
import { listTimelineFilterOptions } from "@/lib/deployments/list-timeline-filter-options";
import { listWaitingPromotions, listWaitingPromotionsQuery, type WaitingPromotion } from "@/lib/environments/list-waiting-promotions";
import { describeZodIssues } from "@/lib/http/with-error-handling";

export const metadata: Metadata = { title: "Environments" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Waiting for promotion, fleet-wide: every environment behind the one before it, oldest waiting change first (docs/environments.md). */
export default async function EnvironmentsPage({ searchParams }: Props) {
  await connection();
  const viewer = await requirePageViewer();
  const raw = await searchParams;
  const query = listWaitingPromotionsQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== "")));
  if (!query.success) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Environments</h1>
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          This filter cannot be used: {describeZodIssues(query.error.issues)}.{" "}
          <Link href="/environments" className="font-medium underline">
            Show every team
          </Link>
        </p>
      </div>
    );
  }
  const [page, options] = await Promise.all([listWaitingPromotions(query.data), listTimelineFilterOptions()]);
  const now = new Date();
  const team = query.data.team;
  const next = page.nextCursor ? `/environments?${new URLSearchParams({ ...(team ? { team } : {}), cursor: page.nextCursor })}` : null;

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Environments</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Services whose next environment is behind the one before it (environments in rank order), oldest waiting change first.
        </p>
      </div>

      <dl aria-label="Waiting totals" className="grid max-w-xl grid-cols-2 gap-4">
        <StatCard label="Environments behind" value={page.total} tone="warn" />
        <StatCard label="Services waiting" value={page.services} tone="warn" />
      </dl>

      <form method="get" action="/environments" className="flex flex-wrap items-end gap-3" aria-label="Filter">
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
          Team
          <select name="team" defaultValue={team ?? ""} className="rounded border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900">
            <option value="">Every team</option>
            {options.teams.map((option) => (
              <option key={option.slug} value={option.slug}>
                {option.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700">
          Show
        </button>
      </form>

      <section aria-labelledby="waiting-heading" className="space-y-3">
        <h2 id="waiting-heading" className="text-lg font-semibold text-zinc-950">
          {query.data.cursor ? "Waiting for promotion (continued)" : "Waiting for promotion"}
        </h2>
        {page.items.length === 0 ? (
          <EmptyState title={team ? "Nothing of this team waits" : "Nothing waits for promotion"}>
            <p>Every environment runs what the environment before it runs{team ? " for this team's services" : ""}.</p>
          </EmptyState>
        ) : (
          <Table<WaitingPromotion>
            caption="Environments waiting for promotion, oldest waiting change first"
            rowKey={(row) => `${row.service.name}/${row.environment.name}`}
            rows={page.items}
            columns={[
              {
                header: "Service",
                cell: (row) => (
                  <span className="flex flex-col">
                    <Link href={`/services/${encodeURIComponent(row.service.name)}`} className="font-medium text-sky-800 underline">
                      {row.service.name}
                    </Link>
                    <span className="text-xs text-zinc-600">{row.service.team?.name ?? "no team"}</span>
                  </span>
                ),
              },
              {
                header: "Behind",
                cell: (row) => (
                  <span className="flex items-center gap-1.5">
                    {row.environment.name}
                    {row.environment.isProduction ? <Badge tone="info">production</Badge> : null}
                  </span>
                ),
              },
              {
                header: "Runs → waiting",
                cell: (row) => (
                  <span className="font-mono text-xs">
                    <Link href={`/releases/${row.running.id}`} className="text-sky-800 underline">
                      {row.running.version}
                    </Link>
                    {" → "}
                    <Link href={`/releases/${row.previous.release.id}`} className="text-sky-800 underline">
                      {row.previous.release.version}
                    </Link>
                    <span className="font-sans text-zinc-600"> in {row.previous.environment}</span>
                  </span>
                ),
              },
              { header: "Lag", cell: (row) => <LagSummary lag={row.lag} now={now} /> },
              {
                header: <span className="sr-only">Links</span>,
                cell: (row) => (
                  <LagLinks
                    compare={row.compare}
                    promotion={row.promotion}
                    // The rollback button's rule: SREs of the service's team, fleet-wide SREs and admins.
                    canPromote={can(viewer, "rollback", { teamId: row.service.teamId })}
                    subject={`${row.service.name} ${row.previous.release.version} to ${row.environment.name}`}
                  />
                ),
              },
            ]}
          />
        )}
        <div className="flex gap-4 text-sm">
          {query.data.cursor ? (
            <Link href={team ? `/environments?${new URLSearchParams({ team })}` : "/environments"} className="font-medium text-sky-800 underline">
              First page
            </Link>
          ) : null}
          {next ? (
            <Link href={next} className="font-medium text-sky-800 underline">
              Next page
            </Link>
          ) : null}
        </div>
      </section>
    </div>
  );
}
