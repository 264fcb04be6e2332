import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function RollbackNotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Rollback not found</h1>
      <EmptyState title="Shiplog knows no rollback with this id">
        <p>A rollback id is a whole number, as in the links of the rollbacks page. The link may be old.</p>
        <p className="mt-4">
          <Link href="/rollbacks" className="font-medium text-sky-800 underline">
            All rollbacks
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
