export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="space-y-2">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Search</h1>
      <p className="text-sm text-zinc-600">Looking for services, commits, pull requests and tickets…</p>
    </div>
  );
}
