import Link from "next/link";

/** A filter value the timeline cannot use: what is wrong (the API's own 400 message) and a way out. */
export function BadFilters({ reason }: { reason: string }) {
  return (
    <div role="alert" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 px-6 py-5">
      <h2 className="text-base font-semibold text-amber-950">These filters cannot be used</h2>
      <p className="text-sm text-amber-950">
        <code className="font-mono">{reason}</code>
      </p>
      <Link href="/timeline" className="inline-block text-sm font-medium text-amber-950 underline">
        Clear all filters
      </Link>
    </div>
  );
}
