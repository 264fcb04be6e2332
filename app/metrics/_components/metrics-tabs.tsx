// The two views of /metrics: one scope at a time, or every team side by side.
import Link from "next/link";

export function MetricsTabs({ current, query }: { current: "scope" | "teams"; query: string }) {
  const tabs = [
    { key: "scope", label: "One scope", href: `/metrics${query}` },
    { key: "teams", label: "Teams compared", href: `/metrics/teams${query}` },
  ] as const;
  return (
    <nav aria-label="Metrics views" className="flex gap-1 border-b border-zinc-200">
      {tabs.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={tab.key === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab.key === current ? "border-zinc-900 text-zinc-950" : "border-transparent text-zinc-600 hover:text-zinc-950"}`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
