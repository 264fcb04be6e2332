// Upserts a pull request (opened, edited, closed, merged) with its ticket keys, and links it
// to the commit it merged as, when that commit is known.
import type { DbOrTx } from "../db/client";
import type { PullRequestState } from "../generated/prisma/enums";
import { extractTicketKeys } from "./extract-ticket-keys";

export type PullRequestInput = {
  repository: string;
  number: number;
  title: string;
  body?: string | null;
  authorLogin?: string | null;
  state: PullRequestState;
  headRef?: string | null;
  baseRef?: string | null;
  mergeCommitSha?: string | null;
  url?: string | null;
  openedAt: Date;
  mergedAt?: Date | null;
  closedAt?: Date | null;
  /** Ticket keys the source found itself (GitLab issue references), kept with the extracted ones. */
  extraTicketKeys?: string[];
};

export async function recordPullRequest(db: DbOrTx, input: PullRequestInput): Promise<{ id: number }> {
  const ticketKeys = [...new Set([...extractTicketKeys(input.title, input.body, input.headRef), ...(input.extraTicketKeys ?? [])])].sort();
  // GitHub sets merge_commit_sha on open pull requests too (a test merge); only a merge's counts.
  const mergeCommitSha = input.state === "MERGED" ? (input.mergeCommitSha ?? null) : null;
  // Upsert and link to the merge commit (when stored) in one statement.
  const rows = await db.$queryRaw<{ id: number }[]>`
    WITH pr AS (
      INSERT INTO pull_requests (repository, number, title, author_login, state, head_ref, base_ref, merge_commit_sha,
        ticket_keys, url, opened_at, merged_at, closed_at)
      VALUES (${input.repository}, ${input.number}, ${input.title}, ${input.authorLogin ?? null}, ${input.state}::"PullRequestState",
        ${input.headRef ?? null}, ${input.baseRef ?? null}, ${mergeCommitSha}, ${ticketKeys}::text[], ${input.url ?? null},
        ${input.openedAt}, ${input.mergedAt ?? null}, ${input.closedAt ?? null})
      -- A merge is final: a late "opened" or "edited" delivery updates the text, never un-merges.
      ON CONFLICT (repository, number) DO UPDATE SET
        title = EXCLUDED.title, author_login = EXCLUDED.author_login, head_ref = EXCLUDED.head_ref,
        base_ref = EXCLUDED.base_ref, ticket_keys = EXCLUDED.ticket_keys, url = EXCLUDED.url, opened_at = EXCLUDED.opened_at,
        state = CASE WHEN pull_requests.state = 'MERGED' THEN pull_requests.state ELSE EXCLUDED.state END,
        merge_commit_sha = CASE WHEN pull_requests.state = 'MERGED' THEN pull_requests.merge_commit_sha ELSE EXCLUDED.merge_commit_sha END,
        merged_at = CASE WHEN pull_requests.state = 'MERGED' THEN pull_requests.merged_at ELSE EXCLUDED.merged_at END,
        closed_at = CASE WHEN pull_requests.state = 'MERGED' THEN pull_requests.closed_at ELSE EXCLUDED.closed_at END
      RETURNING id
    ), linked AS (
      INSERT INTO pull_request_commits (pull_request_id, commit_id)
      SELECT pr.id, c.id FROM pr JOIN commits c ON c.repository = ${input.repository} AND c.sha = ${mergeCommitSha}
      ON CONFLICT DO NOTHING
    )
    SELECT id FROM pr`;
  return rows[0]!;
}
