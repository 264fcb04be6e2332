export default function EnvironmentsLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Environments</h1>
        <p className="mt-1 text-sm text-zinc-600">Loading what waits for promotion…</p>
      </div>
      <div className="h-20 animate-pulse rounded-lg bg-zinc-100" />
      <div className="space-y-2">
        {Array.from({ length: 8 }, (_, index) => (
          <div key={index} className="h-9 animate-pulse rounded bg-zinc-100" />
        ))}
      </div>
    </div>
  );
}
