import type { Metadata } from "next";
import { connection } from "next/server";
import { SettingsNav } from "@/components/admin/settings-nav";
import { readSearchParams } from "@/lib/api/read-search-params";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { listAuditEvents, listAuditEventsQuery } from "@/lib/audit/list-audit-events";
import { asJson } from "../settings/integrations/_components/as-json";
import { requirePageAdmin } from "../_auth/require-page-viewer";
import { AuditFilters } from "./_components/audit-filters";
import { AuditTable } from "./_components/audit-table";

export const metadata: Metadata = { title: "Audit log" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The audit log for admins: filters in the URL, newest first, "load more" a keyset page at a time. */
export default async function AuditPage({ searchParams }: Props) {
  await connection();
  await requirePageAdmin();
  const raw = await searchParams;
  const parsed = listAuditEventsQuery.safeParse(filtersOf(raw));
  const query = Object.fromEntries(Object.entries(filtersOf(raw)).filter(([, value]) => typeof value === "string")) as Record<string, string>;

  return (
    <div className="space-y-6">
      <SettingsNav />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Audit log</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Every privileged action (rollbacks, role and session changes, webhook tokens, delivery replays, DORA definitions), written in the same
          transaction as the action. Nobody can edit or delete these rows, through Shiplog or in the database.
        </p>
      </div>
      <AuditFilters initial={query} />
      {parsed.success ? (
        <AuditTable key={new URLSearchParams(query).toString()} query={query} initialPage={asJson(await listAuditEvents(readSearchParams(listAuditEventsQuery, query)))} />
      ) : (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The filter in the address is not valid: {describeZodIssues(parsed.error.issues)}. Change or clear it above.
        </p>
      )}
    </div>
  );
}

/** The filter fields of the address (blank ones dropped); limit and cursor are the table's business. */
function filtersOf(raw: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(raw)) if (value !== undefined && value !== "" && key !== "cursor") fields[key] = value;
  return fields;
}
