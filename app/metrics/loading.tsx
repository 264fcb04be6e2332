export default function MetricsLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">DORA metrics</h1>
      <p className="text-sm text-zinc-600">Loading the metrics…</p>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {[0, 1, 2, 3].map((index) => (
          <div key={index} className="h-28 animate-pulse rounded-lg border border-zinc-200 bg-zinc-100" />
        ))}
      </div>
    </div>
  );
}
