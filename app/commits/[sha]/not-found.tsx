import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { SearchedFor } from "./_components/searched-for";

export default function CommitNotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Commit not found</h1>
      <EmptyState title="Nothing matches that search">
        <p>
          Shiplog knows no commit, pull request or ticket matching <SearchedFor />.
        </p>
        <p className="mt-2">
          Search for a commit SHA or a prefix of at least 7 characters, a pull request (<code>owner/repo#123</code> or its
          URL) or a ticket key (<code>PAY-123</code>). Commits appear once GitHub reports their push.
        </p>
        <p className="mt-4">
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the fleet
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
