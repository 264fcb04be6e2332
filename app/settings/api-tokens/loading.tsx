export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">API tokens</h1>
      <p className="text-sm text-zinc-600">Reading API tokens…</p>
    </div>
  );
}
