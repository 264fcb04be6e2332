// Shown while the fleet page renders. It lives in the (fleet) route group so that no other
// page streams from the root: a streamed page can no longer answer notFound() with a 404.
export default function Loading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <p className="text-sm text-zinc-600" role="status">
        Loading…
      </p>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
        {Array.from({ length: 8 }, (_, index) => (
          <div key={index} className="h-24 animate-pulse rounded-lg border border-zinc-200 bg-white" />
        ))}
      </div>
      <div className="h-[34rem] animate-pulse rounded-lg border border-zinc-200 bg-white" />
    </div>
  );
}
