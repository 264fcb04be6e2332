export default function ReleaseLoading() {
  return (
    <div className="space-y-8" aria-busy="true">
      <div>
        <div className="h-4 w-40 animate-pulse rounded bg-zinc-100" />
        <h1 className="mt-4 text-2xl font-semibold tracking-tight text-zinc-950">Release</h1>
        <p className="mt-1 text-sm text-zinc-600" role="status">
          Loading the release, its rollout and its commits…
        </p>
      </div>
      <div className="h-40 animate-pulse rounded-lg bg-zinc-100" />
      <div className="space-y-2">
        {Array.from({ length: 6 }, (_, index) => (
          <div key={index} className="h-9 animate-pulse rounded bg-zinc-100" />
        ))}
      </div>
    </div>
  );
}
