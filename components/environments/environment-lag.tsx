import Link from "next/link";
import { ExternalLink } from "@/components/ui/external-link";
import type { ReleaseLag } from "@/lib/environments/measure-release-lag";
import { formatLag } from "@/lib/format/format-lag";

const numberFormat = new Intl.NumberFormat("en-US");

function count(value: number, one: string, many: string): string {
  return `${numberFormat.format(value)} ${value === 1 ? one : many}`;
}

/** "2 releases · 3 commits · 2 pull requests · 3 tickets", and how long the oldest change has waited. */
export function LagSummary({ lag, now }: { lag: ReleaseLag; now: Date }) {
  const waited = (now.getTime() - new Date(lag.waitingSince).getTime()) / 1000;
  return (
    <span className="text-sm text-zinc-700">
      {[count(lag.releases, "release", "releases"), count(lag.commits, "commit", "commits"), count(lag.pullRequests, "pull request", "pull requests"), count(lag.tickets, "ticket", "tickets")].join(" · ")}
      {lag.commitsComplete ? null : <span title="Some releases between have commit ranges Shiplog does not fully know"> (at least)</span>}
      {"; "}
      <span title={`The oldest waiting release was first seen ${new Date(lag.waitingSince).toISOString()}`}>oldest change waiting {formatLag(waited)}</span>
    </span>
  );
}

type Compare = { path: string; githubUrl: string | null };
type Promotion = { path: string };

/**
 * Compare (Shiplog's release comparison, and GitHub's when the commits are known) and, for people
 * who may roll the service back, Promote: the promotion form, prefilled.
 */
export function LagLinks({ compare, promotion, canPromote, subject }: { compare: Compare; promotion: Promotion; canPromote: boolean; subject: string }) {
  return (
    <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <Link href={compare.path} className="font-medium text-sky-800 underline">
        Compare<span className="sr-only"> {subject}</span>
      </Link>
      <ExternalLink href={compare.githubUrl} className="text-sky-800 underline" fallback={null}>
        on GitHub<span className="sr-only"> ({subject})</span>
      </ExternalLink>
      {canPromote ? (
        // Not prefetched: a form for a deliberate action, one per row of a long list.
        <Link href={promotion.path} prefetch={false} className="rounded border border-sky-300 bg-sky-50 px-2 py-0.5 font-medium text-sky-800 no-underline hover:bg-sky-100">
          Promote<span className="sr-only"> {subject}</span>
        </Link>
      ) : null}
    </span>
  );
}
