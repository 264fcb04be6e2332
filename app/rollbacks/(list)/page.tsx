import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { RollbackStateBadge } from "@/components/rollback/rollback-state-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { listRollbacks, listRollbacksQuery, type RollbackSummary } from "@/lib/rollback/list-rollbacks";
import { TableHeader } from "@/components/ui/table-header";

export const metadata: Metadata = { title: "Rollbacks" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Pending approvals shown above the list; more than this many is itself the news. */
const PENDING_SHOWN = 50;

export default async function RollbacksPage({ searchParams }: Props) {
  await connection();
  await requirePageViewer();
  const raw = await searchParams;
  const query = listRollbacksQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== "")));
  if (!query.success) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Rollbacks</h1>
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          This filter cannot be used: {describeZodIssues(query.error.issues)}.{" "}
          <Link href="/rollbacks" className="font-medium underline">
            Show all rollbacks
          </Link>
        </p>
      </div>
    );
  }
  const [pending, recent] = await Promise.all([listRollbacks({ state: "requested", limit: PENDING_SHOWN }), listRollbacks(query.data)]);
  const filtered = query.data.state !== undefined || query.data.service !== undefined;
  const next = recent.nextCursor ? `/rollbacks?${new URLSearchParams({ ...(query.data.state ? { state: query.data.state } : {}), ...(query.data.service ? { service: query.data.service } : {}), cursor: recent.nextCursor })}` : null;

  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Rollbacks</h1>
        <p className="mt-1 text-sm text-zinc-600">Rollbacks requested through Shiplog. Start one from a release or a service page.</p>
      </div>
      <section aria-labelledby="pending-heading" className="space-y-3">
        <h2 id="pending-heading" className="text-lg font-semibold text-zinc-950">
          Waiting for approval
        </h2>
        {pending.items.length === 0 ? <p className="text-sm text-zinc-600">No rollback waits for approval.</p> : <RollbackTable rows={pending.items} caption="Rollbacks waiting for a second SRE's approval" />}
      </section>
      <section aria-labelledby="recent-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="recent-heading" className="text-lg font-semibold text-zinc-950">
            {query.data.cursor ? "Older rollbacks" : "Recent rollbacks"}
            {query.data.service ? ` of ${query.data.service}` : ""}
            {query.data.state ? ` (${query.data.state.replaceAll("_", " ")})` : ""}
          </h2>
          {filtered || query.data.cursor ? (
            <Link href="/rollbacks" className="text-sm font-medium text-sky-800 underline">
              Show all, newest first
            </Link>
          ) : null}
        </div>
        {recent.items.length === 0 ? (
          <EmptyState title={filtered ? "No rollback matches" : "No rollbacks yet"}>
            <p>{filtered ? "Try another filter." : "Nothing has been rolled back through Shiplog."}</p>
          </EmptyState>
        ) : (
          <RollbackTable rows={recent.items} caption="Rollbacks, newest first" />
        )}
        {next ? (
          <Link href={next} className="text-sm font-medium text-sky-800 underline">
            Older rollbacks
          </Link>
        ) : null}
      </section>
    </div>
  );
}

function RollbackTable({ rows, caption }: { rows: RollbackSummary[]; caption: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <TableHeader columns={["Rollback", "Service", "Where", "From → to", "State", "Requested", "Reason"]} />
        <tbody className="divide-y divide-zinc-100">
          {rows.map((row) => (
            <tr key={row.id}>
              <td className="px-3 py-2.5">
                <Link href={`/rollbacks/${row.id}`} className="font-medium text-sky-800 underline">
                  #{row.id}
                </Link>
              </td>
              <td className="px-3 py-2.5">{row.service}</td>
              <td className="px-3 py-2.5">
                {row.application.environment} / {row.application.cluster}
                <span className="block text-xs text-zinc-600">{row.application.name}</span>
              </td>
              <td className="px-3 py-2.5 font-mono text-xs">
                {row.fromRelease?.version ?? "?"} → {row.toRelease.version}
              </td>
              <td className="px-3 py-2.5">
                <RollbackStateBadge state={row.state} />
              </td>
              <td className="px-3 py-2.5">
                {row.requestedBy}
                <span className="block text-xs text-zinc-600">
                  <RelativeTime date={row.requestedAt} />
                </span>
              </td>
              <td className="max-w-xs px-3 py-2.5 break-words">{row.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
