import type { ReactNode } from "react";

export type Column<Row> = {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Numbers align right so their digits line up. */
  align?: "left" | "right";
  /** The column the rows are sorted by (aria-sort on its header). */
  sorted?: "ascending" | "descending";
  /** The column's name on a narrow screen's cards, when the header is not plain text. */
  label?: string;
  /** Short values (dates, counts, badges) that read badly broken over lines. */
  nowrap?: boolean;
};

export type TableProps<Row> = {
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string | number;
  /** Read by screen readers; also the table's accessible name. */
  caption: string;
  /** An optional last row, e.g. totals. */
  footer?: ReactNode[];
};

// Cells wrap by default (app/globals.css lets them break long names), so a table fits its box at
// 1280 px; below 640 px globals.css turns rows into cards, labelled by data-label.
const alignClass = (align: "left" | "right" = "left") => (align === "right" ? "text-right tabular-nums" : "text-left");

const columnLabel = <Row,>(column: Column<Row>) => column.label ?? (typeof column.header === "string" ? column.header : undefined);

export function Table<Row>({ columns, rows, rowKey, caption, footer }: TableProps<Row>) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-zinc-50">
          <tr>
            {columns.map((column, index) => (
              <th
                key={index}
                scope="col"
                aria-sort={column.sorted}
                className={`px-4 py-2.5 font-semibold text-zinc-700 ${alignClass(column.align)}`}
              >
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.map((row) => (
            <tr key={rowKey(row)} className="hover:bg-zinc-50">
              {columns.map((column, index) => (
                <td
                  key={index}
                  data-label={columnLabel(column)}
                  className={`px-4 py-2.5 text-zinc-900 ${column.nowrap ? "whitespace-nowrap" : ""} ${alignClass(column.align)}`}
                >
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer ? (
          <tfoot className="border-t border-zinc-300 bg-zinc-50 font-semibold">
            <tr>
              {footer.map((cell, index) => (
                <td
                  key={index}
                  data-label={columns[index] ? columnLabel(columns[index]) : undefined}
                  className={`px-4 py-2.5 text-zinc-900 ${alignClass(columns[index]?.align)}`}
                >
                  {cell}
                </td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
