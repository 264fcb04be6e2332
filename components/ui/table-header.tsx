/** A header cell: plain text, or a label that is right-aligned (numbers) or read only by screen readers (e.g. an actions column). */
export type TableHeaderColumn = string | { label: string; align?: "left" | "right"; srOnly?: boolean };

/** The zinc `<thead>` every hand-built table shares; `compact` is the tighter padding used inside dialogs. No hooks, so it renders in server and client components alike. */
export function TableHeader({ columns, compact = false }: { columns: TableHeaderColumn[]; compact?: boolean }) {
  return (
    <thead className="bg-zinc-50">
      <tr>
        {columns.map((column) => {
          const { label, align = "left", srOnly = false } = typeof column === "string" ? { label: column } : column;
          return (
            <th
              key={label}
              scope="col"
              className={`px-3 ${compact ? "py-2" : "py-2.5"} font-semibold whitespace-nowrap text-zinc-700 ${align === "right" ? "text-right" : "text-left"}`}
            >
              {srOnly ? <span className="sr-only">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
