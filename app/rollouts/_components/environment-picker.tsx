import Link from "next/link";

/** Links narrowing the view to one environment, or back to all of them. */
export function EnvironmentPicker({ environments, current, href }: { environments: string[]; current: string | null; href: (environment: string | null) => string }) {
  const choices: (string | null)[] = [null, ...environments];
  return (
    <nav aria-label="Environment" className="flex flex-wrap gap-2 text-sm">
      {choices.map((choice) => {
        const active = choice === current;
        return (
          <Link
            key={choice ?? "all"}
            href={href(choice)}
            aria-current={active ? "page" : undefined}
            className={`rounded-md border px-3 py-1 font-medium ${active ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-100"}`}
          >
            {choice ?? "All environments"}
          </Link>
        );
      })}
    </nav>
  );
}
