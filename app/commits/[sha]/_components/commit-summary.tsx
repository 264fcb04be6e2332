import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { CommitLocation } from "@/lib/trace/find-commit-locations";
import { ExternalLink } from "@/components/ui/external-link";

/** The commit itself: who, where, when, and the pull requests (with tickets) that carried it. */
export function CommitSummary({ commit, now }: { commit: CommitLocation["commit"]; now: Date }) {
  const [subject, ...body] = commit.message.split("\n");
  return (
    <div className="space-y-4 rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
      <div>
        <p className="text-base font-medium text-zinc-950">{subject}</p>
        {body.join("\n").trim() ? <p className="mt-1 text-sm whitespace-pre-line text-zinc-600">{body.join("\n").trim()}</p> : null}
      </div>
      <dl className="grid grid-cols-1 gap-x-8 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="font-medium text-zinc-600">SHA</dt>
        <dd className="font-mono wrap-anywhere text-zinc-900">{commit.sha}</dd>
        <dt className="font-medium text-zinc-600">Repository</dt>
        <dd className="text-zinc-900">{commit.repository}</dd>
        <dt className="font-medium text-zinc-600">Author</dt>
        <dd className="text-zinc-900">{commit.authorLogin ?? <span className="text-zinc-600">unknown</span>}</dd>
        <dt className="font-medium text-zinc-600">Committed</dt>
        <dd className="text-zinc-900">
          <RelativeTime date={commit.committedAt} now={now} />
        </dd>
        <dt className="font-medium text-zinc-600">Pull requests</dt>
        <dd className="text-zinc-900">
          {commit.pullRequests.length === 0 ? (
            <span className="text-zinc-600">none recorded</span>
          ) : (
            <ul className="space-y-1">
              {commit.pullRequests.map((pr) => (
                <li key={pr.number} className="flex flex-wrap items-center gap-2">
                  <ExternalLink href={pr.url} className="font-medium text-sky-800 underline" fallback={<span className="font-medium">#{pr.number}</span>}>
                    #{pr.number}
                  </ExternalLink>
                  <span>{pr.title}</span>
                  {pr.ticketKeys.map((key) => (
                    <Badge key={key} tone="info">
                      {key}
                    </Badge>
                  ))}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </div>
  );
}
