import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ReleaseDetail } from "@/lib/releases/get-release";

type RollbackLine = { key: string; environment: string; cluster: string; at: Date; kind: "of" | "to"; release: { id: number; version: string } | null; by: string | null };

/** Rollbacks of this release (another release put back over it) and to it (it was put back over a newer one). */
export function ReleaseRollbacks({ release, now }: { release: ReleaseDetail; now: Date }) {
  const lines: RollbackLine[] = release.rollout.flatMap((entry) =>
    entry.deployments.flatMap((deployment): RollbackLine[] => {
      const where = { environment: entry.application.environment, cluster: entry.application.cluster };
      const found: RollbackLine[] = [];
      if (deployment.rolledBackBy) {
        found.push({ key: `of-${deployment.id}`, ...where, at: deployment.finishedAt ?? deployment.startedAt, kind: "of", release: deployment.rolledBackBy.release, by: null });
      }
      if (deployment.isRollback) {
        found.push({ key: `to-${deployment.id}`, ...where, at: deployment.startedAt, kind: "to", release: deployment.rollsBack?.release ?? null, by: deployment.initiatedBy });
      }
      return found;
    }),
  );

  return (
    <section aria-labelledby="rollbacks-heading" className="space-y-3">
      <h2 id="rollbacks-heading" className="text-lg font-semibold text-zinc-950">
        Rollbacks
      </h2>
      {lines.length === 0 && release.rollbacks.length === 0 ? (
        <p className="text-sm text-zinc-600">No rollbacks of or to this release.</p>
      ) : (
        <ul className="space-y-1.5 text-sm text-zinc-900">
          {lines.map((line) => (
            <li key={line.key} className="flex flex-wrap items-center gap-2">
              <Badge tone={line.kind === "of" ? "warn" : "info"}>{line.kind === "of" ? "rolled back" : "rollback to it"}</Badge>
              <span>
                {line.environment} / {line.cluster}:{" "}
                {line.kind === "of" ? "replaced by the earlier " : "put back over "}
                {line.release ? (
                  <Link href={`/releases/${line.release.id}`} className="font-mono text-sky-800 underline">
                    {line.release.version}
                  </Link>
                ) : (
                  "an unknown release"
                )}
                {line.by ? ` by ${line.by}` : ""}, <RelativeTime date={line.at} now={now} />
              </span>
            </li>
          ))}
          {release.rollbacks.map((rollback) => (
            <li key={`requested-${rollback.id}`} className="flex flex-wrap items-center gap-2">
              <Badge tone="neutral">{rollback.state.toLowerCase().replaceAll("_", " ")}</Badge>
              <span>
                <Link href={`/rollbacks/${rollback.id}`} className="font-medium text-sky-800 underline">
                  Rollback #{rollback.id}
                </Link>{" "}
                requested by {rollback.requestedBy} in {rollback.application.environment} / {rollback.application.cluster} from{" "}
                {rollback.fromRelease ? <span className="font-mono">{rollback.fromRelease.version}</span> : "an unknown release"} to{" "}
                <span className="font-mono">{rollback.toRelease.version}</span> ({rollback.reason}), <RelativeTime date={rollback.requestedAt} now={now} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
