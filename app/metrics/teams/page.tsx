import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { DeploymentTrendStaticBars } from "@/components/charts/deployment-trend-static-bars";
import { EmptyState } from "@/components/ui/empty-state";
import { type Column, Table } from "@/components/ui/table";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { DORA_PERFORMANCE_REPORT, DORA_THRESHOLDS, type DoraLevelKey } from "@/lib/metrics/classify-dora-performance";
import { doraTeamsQuery } from "@/lib/metrics/dora-query";
import { addDays, utcDayKey } from "@/lib/metrics/dora-window";
import { formatDuration, formatPerDay, formatRate } from "@/lib/metrics/format-dora";
import { type DoraTeamRow, listDoraTeamComparison } from "@/lib/metrics/list-dora-team-comparison";
import type { DoraTeamSort, DoraTeamSortKey } from "@/lib/metrics/sort-dora-teams";
import { MetricsTabs } from "../_components/metrics-tabs";
import { DoraLevelBadge } from "./_components/dora-level-badge";

export const metadata: Metadata = { title: "DORA metrics: teams compared" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const KEY_TITLES: Record<DoraLevelKey, string> = {
  deploymentFrequency: "Deployment frequency",
  leadTime: "Lead time (median)",
  changeFailureRate: "Change failure rate",
  restore: "Time to restore (median)",
};

export default async function TeamComparisonPage({ searchParams }: Props) {
  await connection();
  await requirePageViewer();
  const raw = await searchParams;
  const parsed = doraTeamsQuery.safeParse(withoutBlanks(raw));
  const header = (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">DORA metrics</h1>
        <p className="mt-1 text-sm text-zinc-600">Every team&apos;s four keys over the same window, with the DORA report&apos;s performance level of each.</p>
      </div>
      <MetricsTabs current="teams" query={windowQuery(parsed.success ? parsed.data : {})} />
    </div>
  );
  if (!parsed.success) {
    return (
      <div className="space-y-6">
        {header}
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          <p className="font-semibold">The teams cannot be compared</p>
          <p className="mt-1">{describeZodIssues(parsed.error.issues)}</p>
        </div>
      </div>
    );
  }
  const { sort: sortBy, order, per, ...window } = parsed.data;
  const comparison = await listDoraTeamComparison({ ...window, granularity: per, sort: { by: sortBy, order } });
  const hrefFor = (next: { sort: string; order: string }) => teamsHref({ ...parsed.data, ...next });
  const columns = comparisonColumns(comparison.sort, comparison.granularity, hrefFor, windowQuery(parsed.data));
  const days = comparison.window.days;

  return (
    <div className="space-y-8">
      {header}
      <form method="get" action="/metrics/teams" aria-label="Window" className="flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
          Window
          <select name="days" defaultValue={window.from ? "" : String(window.days ?? 30)} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900">
            {[7, 30, 90].map((preset) => (
              <option key={preset} value={preset}>
                Last {preset} days
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
          Trend
          <select name="per" defaultValue={per ?? ""} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900">
            <option value="">Automatic</option>
            <option value="day">Per day</option>
            <option value="week">Per week</option>
          </select>
        </label>
        {sortBy ? <input type="hidden" name="sort" value={sortBy} /> : null}
        {order ? <input type="hidden" name="order" value={order} /> : null}
        <button type="submit" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700">
          Show
        </button>
      </form>
      <p className="text-sm text-zinc-700" data-window>
        {comparison.teams.length} teams, {utcDayKey(comparison.window.from)} to {utcDayKey(addDays(comparison.window.to, -1))} ({days} days, UTC). Choose a
        column&apos;s title to sort by it, best first; again for worst first. Teams without a value stay last.
      </p>
      <section aria-labelledby="teams-heading" className="space-y-3">
        <h2 id="teams-heading" className="text-lg font-semibold text-zinc-950">
          Teams side by side
        </h2>
        {comparison.teams.length === 0 ? (
          <EmptyState title="No teams">No team is known yet: services without a team count only in the fleet&apos;s numbers.</EmptyState>
        ) : (
          <Table caption="DORA metrics per team" columns={columns} rows={comparison.teams} rowKey={(row) => row.team.slug} />
        )}
      </section>
      <section aria-labelledby="levels-heading" className="space-y-3">
        <h2 id="levels-heading" className="text-lg font-semibold text-zinc-950">
          Performance levels
        </h2>
        <p className="text-sm text-zinc-700" data-report>
          Levels follow the {DORA_PERFORMANCE_REPORT}, table &ldquo;Software delivery performance levels&rdquo;. The report describes each level by a range or a
          typical value; a team reaches a level when its number is within that level&apos;s range, and anything worse than medium is low. See docs/metrics.md.
        </p>
        <Table
          caption="Performance level thresholds"
          columns={[
            { header: "Key", cell: (key: DoraLevelKey) => KEY_TITLES[key] },
            ...(["elite", "high", "medium"] as const).map(
              (level): Column<DoraLevelKey> => ({
                header: level[0]!.toUpperCase() + level.slice(1),
                cell: (key) => <span className="whitespace-normal">{DORA_THRESHOLDS[key].levels.find((entry) => entry.level === level)!.description}</span>,
              }),
            ),
            { header: "Low", cell: (key: DoraLevelKey) => <span className="whitespace-normal">{DORA_THRESHOLDS[key].low}</span> },
          ]}
          rows={Object.keys(KEY_TITLES) as DoraLevelKey[]}
          rowKey={(key) => key}
        />
      </section>
    </div>
  );
}

function comparisonColumns(sort: DoraTeamSort, per: string, hrefFor: (next: { sort: string; order: string }) => string, windowParams: string): Column<DoraTeamRow>[] {
  const sortable = (key: DoraTeamSortKey, title: string): Pick<Column<DoraTeamRow>, "header" | "sorted"> => {
    const active = sort.by === key;
    const nextOrder = active && sort.order === "asc" ? "desc" : "asc";
    const direction = key === "team" ? (nextOrder === "asc" ? "A to Z" : "Z to A") : nextOrder === "asc" ? "best first" : "worst first";
    return {
      header: (
        <Link href={hrefFor({ sort: key, order: nextOrder })} className="hover:underline" aria-label={`${title}: sort ${direction}`} data-sort={key}>
          {title}
          {active ? <span aria-hidden="true">{sort.order === "asc" ? " ▲" : " ▼"}</span> : null}
        </Link>
      ),
      sorted: active ? (sort.order === "asc" ? "ascending" : "descending") : undefined,
    };
  };
  return [
    {
      ...sortable("team", "Team"),
      cell: (row) => (
        <Link href={`/metrics${windowParams ? `${windowParams}&` : "?"}team=${encodeURIComponent(row.team.slug)}`} className="font-medium text-blue-700 hover:underline">
          {row.team.name}
        </Link>
      ),
    },
    {
      ...sortable("deploymentFrequency", KEY_TITLES.deploymentFrequency),
      align: "right",
      cell: (row) => (
        <Value text={formatPerDay(row.current.deploymentsPerDay)} detail={`${row.current.deployments} deployments`} level={row.levels.deploymentFrequency} />
      ),
    },
    {
      ...sortable("leadTime", KEY_TITLES.leadTime),
      align: "right",
      cell: (row) => <Value text={formatDuration(row.current.leadTimeMedianSeconds)} detail={`${row.current.leadTimeCommits} commits`} level={row.levels.leadTime} />,
    },
    {
      ...sortable("changeFailureRate", KEY_TITLES.changeFailureRate),
      align: "right",
      cell: (row) => (
        <Value text={formatRate(row.current.changeFailureRate)} detail={`${row.current.failures} failed`} level={row.levels.changeFailureRate} />
      ),
    },
    {
      ...sortable("restore", KEY_TITLES.restore),
      align: "right",
      cell: (row) => <Value text={formatDuration(row.current.restoreMedianSeconds)} detail={`${row.current.incidents} restored`} level={row.levels.restore} />,
    },
    {
      header: `Deployments per ${per}`,
      cell: (row) => (
        <DeploymentTrendStaticBars
          points={row.trend}
          label={`${row.team.name}: production deployments per ${per}, oldest first: ${row.trend.map((point) => point.deployments).join(", ")}`}
          className="h-8 w-32"
        />
      ),
    },
  ];
}

function Value({ text, detail, level }: { text: string; detail: string; level: DoraTeamRow["levels"][DoraLevelKey] }) {
  return (
    <div className="flex flex-col items-end gap-0.5" data-value>
      <span className="font-semibold text-zinc-950" data-number>
        {text}
      </span>
      <span className="text-xs text-zinc-600">{detail}</span>
      <DoraLevelBadge level={level} />
    </div>
  );
}

type TeamsParams = { days?: number; from?: Date; to?: Date; per?: string; sort?: string; order?: string };

/** `?days=…&from=…&to=…` of a window, for links between the two views; empty for the default window. */
function windowQuery(params: TeamsParams): string {
  const search = new URLSearchParams();
  if (params.from) search.set("from", utcDayKey(params.from));
  if (params.to) search.set("to", utcDayKey(params.to));
  if (!params.from && params.days) search.set("days", String(params.days));
  if (params.per) search.set("per", params.per);
  const query = search.toString();
  return query ? `?${query}` : "";
}

function teamsHref(params: TeamsParams): string {
  const search = new URLSearchParams(windowQuery(params));
  if (params.sort) search.set("sort", params.sort);
  if (params.order) search.set("order", params.order);
  const query = search.toString();
  return query ? `/metrics/teams?${query}` : "/metrics/teams";
}

function withoutBlanks(raw: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(raw)) if (value !== undefined && value !== "") record[key] = value;
  return record;
}
