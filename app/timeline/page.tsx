import type { Metadata } from "next";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { listDeploymentsQuery } from "@/lib/deployments/list-deployments";
import { listTimelineFilterOptions } from "@/lib/deployments/list-timeline-filter-options";
import { toTimelinePage } from "@/lib/deployments/timeline-deployment";
import { readTimelineFilters, timelineSearchParams } from "@/lib/deployments/timeline-filters";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { listTimelinePage } from "@/lib/rollouts/list-timeline-page";
import { BadFilters } from "./_components/bad-filters";
import { TimelineFilterForm } from "./_components/timeline-filter-form";
import { TimelineList } from "./_components/timeline-list";

export const metadata: Metadata = { title: "Timeline" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TimelinePage({ searchParams }: Props) {
  // Rendered per request: deployments arrive constantly, and `next build` has no database.
  await connection();
  await requirePageViewer();
  const raw = await searchParams;
  const filters = readTimelineFilters(raw);
  // The same validation as GET /api/v1/deployments, so the page refuses what the API would.
  const parsed = listDeploymentsQuery.safeParse(withoutBlanks(raw));
  const [options, firstPage] = await Promise.all([
    listTimelineFilterOptions(),
    parsed.success ? listTimelinePage({ ...parsed.data, limit: 50, cursor: undefined }) : undefined,
  ]);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Release timeline</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Every deployment across the fleet, newest first. A release rolling out to several applications of one environment is
          one row, counted across the whole fleet; new deployments appear as they happen.
        </p>
      </div>
      <TimelineFilterForm filters={filters} options={options} />
      {firstPage ? (
        <TimelineList key={timelineSearchParams(filters).toString()} filters={filters} initialPage={toTimelinePage(firstPage)} />
      ) : (
        <BadFilters reason={parsed.success ? "" : describeZodIssues(parsed.error.issues)} />
      )}
    </div>
  );
}

/** Next's searchParams with blank values dropped, as readSearchParams treats a query string. */
function withoutBlanks(raw: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === "") continue;
    record[key] = Array.isArray(value) ? value.filter((item) => item !== "") : value;
  }
  return record;
}
