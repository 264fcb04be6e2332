import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { readDb } from "@/lib/db/client";
import { findCommitLocations } from "@/lib/trace/find-commit-locations";
import { type CommitQuery, parseCommitQuery } from "@/lib/trace/parse-commit-query";
import { CommitSummary } from "./_components/commit-summary";
import { searchedText } from "./_components/searched-text";
import { ServiceLocations } from "./_components/service-locations";

type Props = { params: Promise<{ sha: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Where is ${searchedText((await params).sha)} running?` };
}

export default async function CommitPage({ params }: Props) {
  // Rendered per request: deployments change constantly, and `next build` has no database.
  await connection();
  await requirePageViewer();
  const text = searchedText((await params).sha);
  const query = parseCommitQuery(text);
  if (!query) notFound();
  const matches = await findCommitLocations(readDb(), query);
  if (matches.length === 0) notFound();
  const now = new Date();

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">
          Where is <span className="font-mono">{describe(query)}</span> running?
        </h1>
        <p className="mt-1 text-sm text-zinc-600">
          {matches.length === 1
            ? "The commit, the first release of each service that contains it, and every application running it or not yet."
            : `${matches.length} commits match; each is listed with where it runs.`}
        </p>
      </div>

      {matches.map(({ commit, services }) => {
        const shortSha = commit.sha.slice(0, 8);
        return (
          <section key={`${commit.repository}@${commit.sha}`} aria-labelledby={`commit-${commit.repository}-${commit.sha}`} className="space-y-4">
            <h2 id={`commit-${commit.repository}-${commit.sha}`} className="text-lg font-semibold text-zinc-950">
              Commit <span className="font-mono">{shortSha}</span>
            </h2>
            <CommitSummary commit={commit} now={now} />
            {services.length === 0 ? (
              <p className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-700">
                No service is built from {commit.repository}, and no release contains this commit.
              </p>
            ) : (
              services.map((location) => <ServiceLocations key={location.service.id} location={location} shortSha={shortSha} now={now} />)
            )}
          </section>
        );
      })}
    </div>
  );
}

function describe(query: CommitQuery): string {
  switch (query.kind) {
    case "sha":
      return query.prefix;
    case "pull-request":
      return `${query.repository}#${query.number}`;
    case "ticket":
      return query.key;
  }
}
