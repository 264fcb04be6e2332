export default function RollbackLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Rollback</h1>
      <p role="status" className="text-sm text-zinc-600">
        Loading the rollback and its progress…
      </p>
      <div className="h-10 w-2/3 animate-pulse rounded bg-zinc-100" />
      <div className="h-40 animate-pulse rounded-lg bg-zinc-100" />
    </div>
  );
}
