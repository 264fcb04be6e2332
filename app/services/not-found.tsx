import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function ServiceNotFound() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Service not found</h1>
      <EmptyState title="Shiplog knows no service with this name">
        <p>Services appear once Argo CD reports an application filed under them. Check the spelling, or find it on the fleet page.</p>
        <p className="mt-4">
          <Link href="/" className="font-medium text-sky-800 underline">
            Back to the fleet
          </Link>
        </p>
      </EmptyState>
    </div>
  );
}
