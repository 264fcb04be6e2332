export default function ServiceLoading() {
  return (
    <div className="space-y-8" aria-busy="true">
      <div>
        <p className="text-sm text-zinc-600">Service</p>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Loading…</h1>
        <p className="mt-1 text-sm text-zinc-600" role="status">
          Loading what runs where, its history and its DORA numbers…
        </p>
      </div>
      {Array.from({ length: 3 }, (_, index) => (
        <div key={index} className="h-32 animate-pulse rounded-lg bg-zinc-100" />
      ))}
    </div>
  );
}
