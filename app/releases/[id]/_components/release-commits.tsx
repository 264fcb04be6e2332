import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { config } from "@/lib/env";
import type { ReleaseDetail } from "@/lib/releases/get-release";
import { CommitList, CommitSummaryLine, PathFilterNote } from "./commit-list";

/**
 * The commits, pull requests, authors and tickets the release added since the previous one; in a
 * monorepo only those that touched the service's paths, and the page says which count.
 */
export function ReleaseCommits({ release, now }: { release: ReleaseDetail; now: Date }) {
  const since = release.previous ? (
    <>
      since{" "}
      <Link href={`/releases/${release.previous.id}`} className="font-mono font-medium text-sky-800 underline">
        {release.previous.version}
      </Link>
    </>
  ) : (
    "(the service's first release)"
  );
  return (
    <section aria-labelledby="commits-heading" className="space-y-3">
      <div>
        <h2 id="commits-heading" className="text-lg font-semibold text-zinc-950">
          What it added
        </h2>
        <p className="mt-1 text-sm text-zinc-600">Commits, pull requests, authors and tickets {since}.</p>
      </div>
      {release.pathFilter.repositoryCommitCount > 0 ? <PathFilterNote pathFilter={release.pathFilter} /> : null}
      {!release.commitsComplete && release.commitCount > 0 ? (
        <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          This list may be incomplete: {incompleteReason(release, now)}
        </p>
      ) : null}
      {release.commitCount === 0 ? (
        <EmptyState title={release.pathFilter.repositoryCommitCount > 0 ? "No commits touched the service's paths" : release.commitsComplete ? "No new commits" : "Commits not known yet"}>
          <p>
            {release.pathFilter.repositoryCommitCount > 0
              ? `${release.version} changed nothing under ${release.service.name}'s paths: its commits touched other parts of the repository.`
              : release.commitsComplete
                ? noChangesReason(release)
                : incompleteReason(release, now)}
          </p>
        </EmptyState>
      ) : (
        <>
          <CommitSummaryLine commits={release.commits} commitCount={release.commitCount} authors={release.authors} tickets={release.tickets} />
          <CommitList
            commits={release.commits}
            caption={`Commits added by ${release.version}`}
            githubApiUrl={config().GITHUB_API_URL}
            now={now}
            flagUnknownFiles={release.pathFilter.paths !== null}
          />
        </>
      )}
    </section>
  );
}

function noChangesReason(release: ReleaseDetail): string {
  return release.previous
    ? `${release.version} was built from the same code as ${release.previous.version}: a rebuild or a configuration-only change.`
    : `${release.version} is the first release Shiplog saw, and no commits before it are known.`;
}

function incompleteReason(release: ReleaseDetail, now: Date) {
  // GitLab projects are named host/group/project (docs/setup-gitlab.md); GitHub's owner/name.
  const gitlab = (release.service.repository?.split("/").length ?? 0) > 2;
  const forge = gitlab ? "GitLab" : "GitHub";
  if (!release.commitSha) return "the release was recognised by its image alone, so Shiplog does not know which commit it was built from.";
  if (release.commitsIncompleteReason) {
    return (
      <>
        {forge}&apos;s compare API could not complete the range ({release.commitsIncompleteReason})
        {release.commitsCheckedAt ? (
          <>
            , last asked <RelativeTime date={release.commitsCheckedAt} now={now} />
          </>
        ) : null}
        .
      </>
    );
  }
  return `the pushes between the previous release and this one have not all reached Shiplog. With ${gitlab ? "GITLAB_TOKEN" : "GITHUB_TOKEN"} set, Shiplog completes the range from ${forge}'s compare API.`;
}
