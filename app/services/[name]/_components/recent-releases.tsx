import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ServiceDetail } from "@/lib/services/get-service";

/** The service's newest releases, each a link to its drill-down. */
export function RecentReleases({ releases, now }: { releases: ServiceDetail["recentReleases"]; now: Date }) {
  if (releases.length === 0) return <p className="text-sm text-zinc-600">No release of this service has been seen yet.</p>;
  return (
    <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm shadow-xs">
      {releases.map((release) => (
        <li key={release.id} className="flex flex-wrap items-center gap-3 px-4 py-2">
          <Link href={`/releases/${release.id}`} className="font-mono font-medium text-sky-800 underline">
            {release.version}
          </Link>
          <span className="text-zinc-600">
            first seen <RelativeTime date={release.firstSeenAt} now={now} />
          </span>
          {release.commitSha ? <span className="font-mono text-xs text-zinc-700">{release.commitSha.slice(0, 8)}</span> : null}
          {release.commitsComplete ? null : <Badge>commits incomplete</Badge>}
        </li>
      ))}
    </ul>
  );
}
