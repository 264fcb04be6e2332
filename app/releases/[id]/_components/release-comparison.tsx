import { EmptyState } from "@/components/ui/empty-state";
import { config } from "@/lib/env";
import type { ReleaseComparison } from "@/lib/releases/compare-releases";
import type { ReleaseDetail } from "@/lib/releases/get-release";
import type { ReleaseChoice } from "@/lib/releases/list-releases-around";
import { CommitList, CommitSummaryLine, PathFilterNote } from "./commit-list";
import { ComparePicker } from "./compare-picker";
import { ExternalLink } from "@/components/ui/external-link";

type Props = {
  release: ReleaseDetail;
  choices: ReleaseChoice[];
  /** The ?compare= text as given, or null when none. */
  requested: string | null;
  comparison: ReleaseComparison | null;
  now: Date;
};

/** This release against any other of its service: the commits between them, either way. */
export function ReleaseComparisonSection({ release, choices, requested, comparison, now }: Props) {
  return (
    <section aria-labelledby="compare-heading" className="space-y-3">
      <div>
        <h2 id="compare-heading" className="text-lg font-semibold text-zinc-950">
          Compare with another release
        </h2>
        <p className="mt-1 text-sm text-zinc-600">The commits and pull requests between {release.version} and another release of {release.service.name}, in either direction.</p>
      </div>
      {choices.length === 0 ? (
        <p className="text-sm text-zinc-600">{release.service.name} has no other release to compare with.</p>
      ) : (
        <ComparePicker
          choices={choices.map((choice) => ({ id: choice.id, version: choice.version, firstSeenAt: choice.firstSeenAt.toISOString() }))}
          selected={comparison?.other.id ?? null}
        />
      )}
      {requested !== null && comparison === null ? (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-2 text-sm text-red-900">
          Cannot compare with “{requested}”: it is not the id of another release of {release.service.name}.
        </p>
      ) : null}
      {comparison ? <ComparisonResult comparison={comparison} now={now} /> : null}
    </section>
  );
}

function ComparisonResult({ comparison, now }: { comparison: ReleaseComparison; now: Date }) {
  const { release, other } = comparison;
  const [newer, older] = comparison.direction === "behind" ? [other, release] : [release, other];
  const headline =
    comparison.direction === "same"
      ? `${release.version} compared with itself: nothing lies between.`
      : `${newer.version} is ${comparison.releaseCount} ${comparison.releaseCount === 1 ? "release" : "releases"} newer than ${older.version}; ` +
        (comparison.direction === "ahead" ? `${release.version} carries these commits that ${other.version} lacks.` : `${release.version} lacks these commits that ${other.version} carries.`);
  return (
    <div aria-label={`Comparison of ${release.version} with ${other.version}`} role="region" className="space-y-3">
      <p className="text-sm font-medium text-zinc-900">
        {headline}{" "}
        <ExternalLink href={comparison.githubCompareUrl} className="text-sky-800 underline" fallback={null}>
          Compare on GitHub
        </ExternalLink>
      </p>
      {!comparison.commitsComplete ? (
        <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          Some releases in between have incomplete commit ranges; the list may miss commits.
        </p>
      ) : null}
      {comparison.direction !== "same" && comparison.pathFilter.repositoryCommitCount > 0 ? <PathFilterNote pathFilter={comparison.pathFilter} /> : null}
      {comparison.direction === "same" ? null : comparison.commitCount === 0 ? (
        <EmptyState title="No commits between them">
          <p>The releases between {older.version} and {newer.version} added no commits Shiplog knows of.</p>
        </EmptyState>
      ) : (
        <>
          <CommitSummaryLine commits={comparison.commits} commitCount={comparison.commitCount} authors={comparison.authors} tickets={comparison.tickets} />
          <CommitList
            commits={comparison.commits}
            caption={`Commits between ${older.version} and ${newer.version}`}
            githubApiUrl={config().GITHUB_API_URL}
            now={now}
            flagUnknownFiles={comparison.pathFilter.paths !== null}
          />
        </>
      )}
    </div>
  );
}
