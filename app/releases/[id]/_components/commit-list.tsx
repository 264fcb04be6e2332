import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ReleaseCommit } from "@/lib/releases/attach-pull-requests";
import { buildGithubUrl } from "@/lib/releases/build-github-url";
import type { PathFilter } from "@/lib/releases/service-path-filter";
import { TableHeader } from "@/components/ui/table-header";
import { ExternalLink } from "@/components/ui/external-link";
import { safeHref } from "@/lib/links/web-url";

export type ListedCommit = ReleaseCommit & { release?: { id: number; version: string }; filesKnown?: boolean };

/**
 * Commits with their pull requests and tickets, each linked to GitHub; `release` names the release
 * that added it. With `flagUnknownFiles` (the service has paths), commits whose files are not
 * known say so: they are listed because they may touch the service's paths.
 */
export function CommitList({
  commits,
  caption,
  githubApiUrl,
  now,
  flagUnknownFiles = false,
}: {
  commits: ListedCommit[];
  caption: string;
  githubApiUrl: string;
  now: Date;
  flagUnknownFiles?: boolean;
}) {
  const withRelease = commits.some((commit) => commit.release);
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <TableHeader columns={["Commit", "Message", "Author", "Committed", "Pull request", ...(withRelease ? ["Release"] : [])]} />
        <tbody className="divide-y divide-zinc-100">
          {commits.map((commit) => (
            <tr key={`${commit.repository}@${commit.sha}`} className="align-top hover:bg-zinc-50">
              <td className="px-3 py-2.5">
                <ExternalLink href={buildGithubUrl(githubApiUrl, { kind: "commit", repository: commit.repository, sha: commit.sha })} className="font-mono text-xs text-sky-800 underline">
                  {commit.sha.slice(0, 8)}
                </ExternalLink>
              </td>
              <td className="max-w-md px-3 py-2.5 text-zinc-900">
                {commit.message.split("\n")[0]}
                {flagUnknownFiles && commit.filesKnown === false ? (
                  <>
                    {" "}
                    <Badge tone="warn">files not known</Badge>
                  </>
                ) : null}
              </td>
              <td className="px-3 py-2.5 text-zinc-900">{commit.authorLogin ?? commit.authorName ?? <span className="text-zinc-600">unknown</span>}</td>
              <td className="px-3 py-2.5 text-zinc-900">
                <RelativeTime date={commit.committedAt} now={now} />
              </td>
              <td className="px-3 py-2.5 text-zinc-900">
                {commit.pullRequests.length === 0 ? (
                  <span className="text-zinc-600">—</span>
                ) : (
                  <ul className="space-y-1">
                    {commit.pullRequests.map((pullRequest) => (
                      <li key={`${pullRequest.repository}#${pullRequest.number}`} className="flex flex-wrap items-center gap-1.5">
                        <ExternalLink
                          href={safeHref(pullRequest.url) ?? buildGithubUrl(githubApiUrl, { kind: "repository", repository: pullRequest.repository }) + `/pull/${pullRequest.number}`}
                          className="font-medium text-sky-800 underline"
                        >
                          #{pullRequest.number}
                        </ExternalLink>
                        <span>{pullRequest.title}</span>
                        {pullRequest.ticketKeys.map((key) => (
                          <Badge key={key} tone="info">
                            {key}
                          </Badge>
                        ))}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              {withRelease ? (
                <td className="px-3 py-2.5">
                  {commit.release ? (
                    <Link href={`/releases/${commit.release.id}`} className="font-mono text-xs text-sky-800 underline">
                      {commit.release.version}
                    </Link>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "12 commits · 5 pull requests · 3 authors" and the authors and tickets themselves. */
export function CommitSummaryLine({ commits, commitCount, authors, tickets }: { commits: ListedCommit[]; commitCount: number; authors: string[]; tickets: string[] }) {
  const pullRequests = new Set(commits.flatMap((commit) => commit.pullRequests.map((pullRequest) => `${pullRequest.repository}#${pullRequest.number}`)));
  return (
    <dl className="grid grid-cols-1 gap-x-8 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
      <dt className="font-medium text-zinc-600">Changes</dt>
      <dd className="text-zinc-900">
        {commitCount} {commitCount === 1 ? "commit" : "commits"}
        {commits.length < commitCount ? ` (${commits.length} listed)` : ""} · {pullRequests.size} pull {pullRequests.size === 1 ? "request" : "requests"}
      </dd>
      <dt className="font-medium text-zinc-600">Authors</dt>
      <dd className="text-zinc-900">{authors.length === 0 ? <span className="text-zinc-600">none recorded</span> : authors.join(", ")}</dd>
      <dt className="font-medium text-zinc-600">Tickets</dt>
      <dd className="flex flex-wrap gap-1">
        {tickets.length === 0 ? (
          <span className="text-zinc-600">none</span>
        ) : (
          tickets.map((key) => (
            <Link key={key} href={`/commits/${encodeURIComponent(key)}`} className="rounded">
              <Badge tone="info">{key}</Badge>
            </Link>
          ))
        )}
      </dd>
    </dl>
  );
}

/** Which commits of the repository are listed: the service's paths (a monorepo), or all of them. */
export function PathFilterNote({ pathFilter }: { pathFilter: PathFilter }) {
  return (
    <p role="note" aria-label="Commits counted" className="text-sm text-zinc-600">
      {pathFilter.summary}
    </p>
  );
}
