import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { PromotionStateBadge } from "@/components/promotions/promotion-state-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHeader } from "@/components/ui/table-header";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { listPromotions, listPromotionsQuery } from "@/lib/promotions/list-promotions";

export const metadata: Metadata = { title: "Promotions" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PromotionsPage({ searchParams }: Props) {
  await connection();
  await requirePageViewer();
  const raw = await searchParams;
  const query = listPromotionsQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== "")));
  if (!query.success) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Promotions</h1>
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          This filter cannot be used: {describeZodIssues(query.error.issues)}.{" "}
          <Link href="/promotions" className="font-medium underline">
            Show all promotions
          </Link>
        </p>
      </div>
    );
  }
  const page = await listPromotions(query.data);
  const filtered = query.data.state !== undefined || query.data.service !== undefined;
  const next = page.nextCursor
    ? `/promotions?${new URLSearchParams({ ...(query.data.state ? { state: query.data.state } : {}), ...(query.data.service ? { service: query.data.service } : {}), cursor: page.nextCursor })}`
    : null;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Promotions</h1>
        <p className="mt-1 text-sm text-zinc-600">Releases moved into an environment wave by wave through Shiplog. Start one from a release page.</p>
      </div>
      {page.items.length === 0 ? (
        <EmptyState title={filtered ? "No promotion matches" : "No promotions yet"}>
          <p>{filtered ? "Try another filter." : "Nothing has been promoted through Shiplog."}</p>
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
          <table className="min-w-full divide-y divide-zinc-200 text-sm">
            <caption className="sr-only">Promotions, newest first</caption>
            <TableHeader columns={["Promotion", "Service", "Release → environment", "State", "Progress", "Requested"]} />
            <tbody className="divide-y divide-zinc-100">
              {page.items.map((row) => (
                <tr key={row.id}>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    <Link href={`/promotions/${row.id}`} className="font-medium text-sky-800 underline">
                      #{row.id}
                    </Link>
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap">{row.service}</td>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    <span className="font-mono text-xs">{row.release.version}</span> → {row.environment}
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    <PromotionStateBadge state={row.state} />
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap text-zinc-700">
                    wave {Math.min(row.currentWave + 1, row.waves)} of {row.waves} · {row.succeeded}/{row.applications} applications
                    {row.failed > 0 ? <span className="text-red-800"> · {row.failed} failed</span> : null}
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    {row.requestedBy}
                    <span className="block text-xs text-zinc-600">
                      <RelativeTime date={row.requestedAt} />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <Link href={next} className="text-sm font-medium text-sky-800 underline">
          Older promotions
        </Link>
      ) : null}
    </div>
  );
}
