import Link from "next/link";

/** The release page's "Promote" button: opens the promote form for this release. */
export function PromoteLink({ service, releaseId }: { service: string; releaseId: number }) {
  return (
    <Link
      href={`/promotions/new?${new URLSearchParams({ service, release: String(releaseId) })}`}
      className="inline-flex rounded bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800"
    >
      Promote
    </Link>
  );
}
