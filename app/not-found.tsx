import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Page not found</h1>
      <EmptyState title="Shiplog has no page at this address">
        <p>The link may be old, or the service, release or commit it named may not exist.</p>
        <p className="mt-4">
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the fleet
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
