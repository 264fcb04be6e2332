import type { Metadata } from "next";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { Suspense } from "react";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { buildMetricsHref } from "@/lib/metrics/build-metrics-href";
import { metricsPageQuery } from "@/lib/metrics/dora-query";
import { utcDayKey, addDays } from "@/lib/metrics/dora-window";
import { getDoraMetrics } from "@/lib/metrics/get-dora-metrics";
import { listDoraScopeOptions } from "@/lib/metrics/list-dora-scope-options";
import { DoraControls } from "./_components/dora-controls";
import { DoraDefinitionsForm } from "./_components/dora-definitions-form";
import { DoraDrilldown } from "./_components/dora-drilldown";
import { DoraMetricCards } from "./_components/dora-metric-cards";
import { DoraTrends } from "./_components/dora-trends";
import { MetricsTabs } from "./_components/metrics-tabs";

export const metadata: Metadata = { title: "DORA metrics" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const DRILL_TITLES = { deployments: "deployment frequency", failures: "change failure rate", "lead-time": "lead time for changes", restore: "time to restore" } as const;

export default async function MetricsPage({ searchParams }: Props) {
  // Rendered per request: the numbers move with every deployment, and `next build` has no database.
  await connection();
  await requirePageViewer();
  const raw = await searchParams;
  const parsed = metricsPageQuery.safeParse(withoutBlanks(raw));
  const options = await listDoraScopeOptions();
  const query = parsed.success ? parsed.data : {};
  const metrics = parsed.success ? await getDoraMetrics({ ...query, granularity: query.per }) : null;

  const controls = (
    <DoraControls
      teams={options.teams}
      team={first(raw.team)}
      service={first(raw.service)}
      days={query.days ?? null}
      per={query.per ?? null}
      from={first(raw.from)}
      to={first(raw.to)}
    />
  );
  const header = (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">DORA metrics</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Deployment frequency, lead time for changes, change failure rate and time to restore service, from production deployments.
          Choose a number to see the deployments and commits behind it.
        </p>
      </div>
      <MetricsTabs current="scope" query={windowQuery(raw)} />
    </div>
  );

  if (!parsed.success || !metrics) {
    const reason = !parsed.success
      ? describeZodIssues(parsed.error.issues)
      : `No ${query.service ? `service named “${query.service}”` : ""}${query.service && query.team ? " or " : ""}${query.team ? `team “${query.team}”` : ""} is known.`;
    return (
      <div className="space-y-6">
        {header}
        {controls}
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          <p className="font-semibold">These metrics cannot be shown</p>
          <p className="mt-1">{reason}</p>
        </div>
      </div>
    );
  }

  const { window, definitions } = metrics;
  const linkParams = {
    team: query.team,
    service: query.service,
    days: query.from ? undefined : query.days,
    from: query.from ? utcDayKey(query.from) : undefined,
    to: query.to ? utcDayKey(query.to) : undefined,
    per: query.per,
  };
  const hrefFor = (drill: string) => `${buildMetricsHref({ ...linkParams, drill })}#drilldown`;
  const marked = options.environments.filter((environment) => environment.isProduction).map((environment) => environment.name);
  const productionEnvironments = definitions.productionEnvironments ?? marked;
  const scopeLabel = query.service ? `service ${query.service}` : query.team ? `team ${options.teams.find((team) => team.slug === query.team)?.name ?? query.team}` : "the whole fleet";

  return (
    <div className="space-y-8">
      {header}
      {controls}
      <p className="text-sm text-zinc-700" data-window>
        {scopeLabel[0]!.toUpperCase() + scopeLabel.slice(1)}, {utcDayKey(window.from)} to {utcDayKey(addDays(window.to, -1))} ({window.days} days, UTC), compared with the{" "}
        {window.days} days before.
      </p>

      <section aria-labelledby="dora-numbers" className="space-y-3">
        <h2 id="dora-numbers" className="sr-only">
          The four DORA metrics
        </h2>
        <DoraMetricCards metrics={metrics} hrefFor={hrefFor} />
      </section>

      <DoraTrends metrics={metrics} />

      <section id="drilldown" aria-labelledby="drilldown-heading" className="scroll-mt-4 space-y-3">
        <h2 id="drilldown-heading" className="text-lg font-semibold text-zinc-950">
          {query.drill ? `Behind the ${DRILL_TITLES[query.drill]}` : "Behind the numbers"}
        </h2>
        {query.drill ? (
          <Suspense key={`${query.drill}-${query.group}-${query.cursor}-${JSON.stringify(linkParams)}`} fallback={<p className="text-sm text-zinc-600">Loading…</p>}>
            <DoraDrilldown
              drill={query.drill}
              request={{ scope: metrics.scope, window, definitions }}
              productionEnvironments={productionEnvironments}
              paging={{ group: query.group, cursor: query.cursor, hrefFor: (changes) => `${buildMetricsHref({ ...linkParams, drill: query.drill, group: query.group, cursor: query.cursor, ...changes })}#drilldown` }}
            />
          </Suspense>
        ) : (
          <p className="text-sm text-zinc-600">Choose one of the four numbers above to list the deployments, commits or incidents it was computed from (the same rows its median and mean are taken over).</p>
        )}
      </section>

      <section aria-labelledby="definitions" className="space-y-3">
        <h2 id="definitions" className="text-lg font-semibold text-zinc-950">
          Definitions
        </h2>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]" data-definitions>
          <dt className="font-medium text-zinc-700">Production</dt>
          <dd className="text-zinc-900" data-definition="production">
            {productionEnvironments.length > 0 ? productionEnvironments.join(", ") : "no environment"}
            {definitions.productionEnvironments === null ? " (the environments marked production)" : " (chosen by name)"}
          </dd>
          <dt className="font-medium text-zinc-700">Deployment frequency</dt>
          <dd className="text-zinc-900">Production deployments started in the window, per day.</dd>
          <dt className="font-medium text-zinc-700">Failure</dt>
          <dd className="text-zinc-900" data-definition="failure">
            A production deployment whose status is {definitions.failureStatuses.map((status) => status.toLowerCase().replace("_", " ")).join(", ")}
            {definitions.failureStatuses.includes("DEGRADED") && !definitions.failureStatuses.includes("ROLLED_BACK") ? " (or that degraded and was then rolled back)" : ""}.
            A deployment that degrades and turns healthy again by itself, without another deployment, is not a failure: nothing had to be restored.
            Change failure rate = failures ÷ production deployments.
          </dd>
          <dt className="font-medium text-zinc-700">Lead time</dt>
          <dd className="text-zinc-900" data-definition="lead-time">
            From {definitions.leadTimeStart === "merge" ? "the merge of the commit's pull request (its commit time when it has none)" : "the commit's time"} to
            the first succeeded production sync of the release that added the commit; the median over the commits that reached production in the window (the
            mean beside it).
          </dd>
          <dt className="font-medium text-zinc-700">Time to restore</dt>
          <dd className="text-zinc-900" data-definition="restore">
            An incident starts when the first failure of a run of failures of an application degraded (else finished, else started), and ends when the
            application&apos;s next succeeded deployment turned healthy (else finished): rolled forward to a newer release or rolled back to an earlier one,
            both count the same. The median over incidents that started in the window and are restored (the mean beside it); open ones are listed, not counted.
          </dd>
        </dl>
        <p className="text-xs text-zinc-600">Days are UTC days. See docs/metrics.md for the details.</p>
        <details className="rounded-lg">
          <summary className="cursor-pointer text-sm font-medium text-blue-700">Change the definitions</summary>
          <div className="mt-3">
            <DoraDefinitionsForm definitions={definitions} environments={options.environments} />
          </div>
        </details>
      </section>
    </div>
  );
}

/** The window of this view (days, from, to, per) for the other view's link. */
function windowQuery(raw: Record<string, string | string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const key of ["days", "from", "to", "per"]) {
    const value = first(raw[key]);
    if (value) search.set(key, value);
  }
  const query = search.toString();
  return query ? `?${query}` : "";
}

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) || null;
}

/** Next's searchParams with blank values dropped, as readSearchParams treats a query string. */
function withoutBlanks(raw: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(raw)) if (value !== undefined && value !== "") record[key] = value;
  return record;
}
