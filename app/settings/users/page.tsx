import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { listGrantableTeams } from "@/lib/users/list-grantable-teams";
import { listUsers, listUsersQuery } from "@/lib/users/list-users";
import { requirePageAdmin } from "../../_auth/require-page-viewer";
import { asJson } from "../integrations/_components/as-json";
import { UserSearch } from "./_components/user-search";
import { UsersTable } from "./_components/users-table";

export const metadata: Metadata = { title: "Users and roles" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** People, their grants (role, team or fleet-wide, manual or from the identity provider), grant, revoke, sign out. */
export default async function UsersPage({ searchParams }: Props) {
  await connection();
  const viewer = await requirePageAdmin();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = listUsersQuery.safeParse(raw);
  const [page, teams] = await Promise.all([parsed.success ? listUsers(parsed.data) : null, listGrantableTeams()]);
  const q = typeof raw.q === "string" ? raw.q : "";

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Users and roles</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          viewer reads, engineer also replays deliveries, sre also rolls back, admin also manages settings, tokens and people. A role can be
          limited to one team. Grants from the identity provider follow its groups at each sign-in; change them there. A revoked role stops
          working within a minute; signing someone out ends their sessions at once. Every change is in the{" "}
          <Link href="/audit?targetType=user">audit log</Link>.
        </p>
      </div>
      <UserSearch initial={q} />
      {page ? (
        <>
          <UsersTable users={asJson(page.items)} teams={teams} selfId={viewer.id} />
          {page.nextCursor ? (
            <Link href={`/settings/users?${new URLSearchParams({ ...(q ? { q } : {}), cursor: page.nextCursor })}`} className="text-sm font-medium">
              Next page
            </Link>
          ) : null}
        </>
      ) : (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The address is not valid: {describeZodIssues(parsed.error!.issues)}.
        </p>
      )}
    </div>
  );
}
