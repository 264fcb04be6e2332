import { RollbackButton } from "@/components/rollback/rollback-button";
import type { ReleaseDetail } from "@/lib/releases/get-release";

/** "Roll back this release" across every application running it, in waves; for people allowed to. */
export function RollbackReleasePanel({ release }: { release: ReleaseDetail }) {
  const running = release.rollout.filter((entry) => entry.current?.id === release.id && !entry.application.deleted);
  if (running.length === 0) return null;
  const clusters = new Set(running.map((entry) => entry.application.cluster));
  return (
    <section aria-label="Roll back this release" className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-zinc-200 bg-white px-5 py-3 shadow-xs">
      <p className="text-sm text-zinc-700">
        Runs on {running.length} application{running.length === 1 ? "" : "s"} in {clusters.size} cluster{clusters.size === 1 ? "" : "s"}.{clusters.size > 1 ? " A rollback goes to one cluster first, then to the rest once that one is healthy." : ""}
      </p>
      <RollbackButton scope={{ kind: "release", releaseId: release.id }} subject={`${release.service.name} ${release.version}`} />
    </section>
  );
}
