import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function ReleaseNotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Release not found</h1>
      <EmptyState title="Shiplog knows no release with this id">
        <p>A release id is a whole number, as in the links of a service page or the timeline. The release may never have been deployed.</p>
        <p className="mt-4">
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the fleet
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
