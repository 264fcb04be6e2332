export default function RollbacksLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Rollbacks</h1>
      <p role="status" className="text-sm text-zinc-600">
        Loading rollbacks…
      </p>
      <div className="h-40 animate-pulse rounded-lg bg-zinc-100" />
    </div>
  );
}
