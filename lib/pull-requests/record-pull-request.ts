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
};

export async function recordPullRequest(db: DbOrTx, input: PullRequestInput): Promise<{ id: number }> {
  const ticketKeys = extractTicketKeys(input.title, input.body, input.headRef);
  // GitHub sets merge_commit_sha on open pull requests too (a test merge); only a merge's counts.
  const mergeCommitSha = input.state === "MERGED" ? (input.mergeCommitSha ?? null) : null;
  const fields = {
    title: input.title,
    authorLogin: input.authorLogin ?? null,
    state: input.state,
    headRef: input.headRef ?? null,
    baseRef: input.baseRef ?? null,
    mergeCommitSha,
    ticketKeys,
    url: input.url ?? null,
    openedAt: input.openedAt,
    mergedAt: input.mergedAt ?? null,
    closedAt: input.closedAt ?? null,
  };
  const row = await db.pullRequest.upsert({
    where: { repository_number: { repository: input.repository, number: input.number } },
    create: { repository: input.repository, number: input.number, ...fields },
    update: fields,
    select: { id: true },
  });
  if (mergeCommitSha) {
    await db.$executeRaw`
      INSERT INTO pull_request_commits (pull_request_id, commit_id)
      SELECT ${row.id}, c.id FROM commits c WHERE c.repository = ${input.repository} AND c.sha = ${mergeCommitSha}
      ON CONFLICT DO NOTHING`;
  }
  return row;
}
