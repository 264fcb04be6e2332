import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ReleaseDetail } from "@/lib/releases/get-release";
import { ExternalLink } from "@/components/ui/external-link";

/** Config revisions shown in the header; the rollout table has each deployment's own. */
const SHOWN_REVISIONS = 3;

/** What the release is: service, version, commit, images, config revisions, first seen; and the way to its neighbours. */
export function ReleaseHeader({ release, now }: { release: ReleaseDetail; now: Date }) {
  const { service } = release;
  return (
    <div className="space-y-4">
      <nav aria-label="Releases of this service" className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <Link href={`/services/${encodeURIComponent(service.name)}`} className="font-medium text-sky-800 underline">
          ← {service.name}
        </Link>
        <div className="flex gap-4">
          {release.previous ? (
            <Link href={`/releases/${release.previous.id}`} rel="prev" className="font-medium text-sky-800 underline">
              ‹ Previous: <span className="font-mono">{release.previous.version}</span>
            </Link>
          ) : (
            <span className="text-zinc-600">First release</span>
          )}
          {release.next ? (
            <Link href={`/releases/${release.next.id}`} rel="next" className="font-medium text-sky-800 underline">
              Next: <span className="font-mono">{release.next.version}</span> ›
            </Link>
          ) : (
            <span className="text-zinc-600">Newest release</span>
          )}
        </div>
      </nav>

      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">
          {service.name} <span className="font-mono">{release.version}</span>
        </h1>
        <p className="mt-1 text-sm text-zinc-600">
          Release of {service.name}
          {service.team ? <> owned by {service.team.name}</> : null}, first seen <RelativeTime date={release.firstSeenAt} now={now} />.
        </p>
      </div>

      <dl className="grid grid-cols-1 gap-x-8 gap-y-2 rounded-lg border border-zinc-200 bg-white px-5 py-4 text-sm shadow-xs sm:grid-cols-[auto_1fr]">
        <dt className="font-medium text-zinc-600">Commit</dt>
        <dd className="font-mono text-zinc-900">
          {release.commitSha ? (
            <ExternalLink href={release.commitUrl} className="text-sky-800 underline" fallback={release.commitSha}>
              {release.commitSha}
            </ExternalLink>
          ) : (
            <span className="font-sans text-zinc-600">unknown (deployed by image only)</span>
          )}
        </dd>
        <dt className="font-medium text-zinc-600">Repository</dt>
        <dd className="text-zinc-900">
          <ExternalLink href={service.repositoryUrl} className="text-sky-800 underline" fallback={<span className="text-zinc-600">{service.repository ?? "not known"}</span>}>
            {service.repository} on GitHub
          </ExternalLink>
        </dd>
        <dt className="font-medium text-zinc-600">Image</dt>
        <dd className="font-mono break-all text-zinc-900">
          {release.image ? (
            <>
              {release.image}
              {release.imageTag ? `:${release.imageTag}` : ""}
              {release.imageDigest ? <span className="block text-xs text-zinc-600">{release.imageDigest}</span> : null}
            </>
          ) : (
            <span className="font-sans text-zinc-600">unknown</span>
          )}
        </dd>
        <dt className="font-medium text-zinc-600">Images deployed</dt>
        <dd className="font-mono text-xs break-all text-zinc-900">
          {release.images.length === 0 ? (
            <span className="font-sans text-sm text-zinc-600">none recorded</span>
          ) : (
            <ul>
              {release.images.map((image) => (
                <li key={image}>{image}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt className="font-medium text-zinc-600">Config revision</dt>
        <dd className="font-mono text-xs text-zinc-900">
          {release.revisions.length === 0 ? (
            <span className="font-sans text-sm text-zinc-600">none recorded</span>
          ) : (
            <>
              {release.revisions.slice(0, SHOWN_REVISIONS).join(", ")}
              {release.revisions.length > SHOWN_REVISIONS ? (
                <span className="font-sans text-zinc-600"> and {release.revisions.length - SHOWN_REVISIONS} more</span>
              ) : null}
            </>
          )}
        </dd>
        <dt className="font-medium text-zinc-600">First seen</dt>
        <dd className="text-zinc-900">
          <RelativeTime date={release.firstSeenAt} now={now} />
        </dd>
      </dl>
    </div>
  );
}
