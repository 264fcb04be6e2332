"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { ROLES } from "@/lib/auth/roles";
import type { UserView } from "@/lib/users/user-view";
import type { AsJson } from "../../integrations/_components/as-json";
import { adminRequest } from "./admin-request";
import { TableHeader } from "@/components/ui/table-header";

type User = AsJson<UserView>;
type Team = { id: number; name: string };

/** One row per person: grants with revoke, a grant form, and "sign out everywhere". Changes re-read the page. */
export function UsersTable({ users, teams, selfId }: { users: User[]; teams: Team[]; selfId: string }) {
  if (users.length === 0) return <EmptyState title="Nobody matches">Try another part of the email or name.</EmptyState>;
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">People and their roles, by email</caption>
        <TableHeader columns={["Person", "Roles", "Grant a role", "Sessions"]} />
        <tbody className="divide-y divide-zinc-100">
          {users.map((user) => (
            <UserRow key={user.id} user={user} teams={teams} self={user.id === selfId} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserRow({ user, teams, self }: { user: User; teams: Team[]; self: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function run(action: () => Promise<unknown>, done: string) {
    setError(null);
    setNotice(null);
    startTransition(async () => {
      try {
        await action();
        setNotice(done);
        router.refresh();
      } catch (failure) {
        setError((failure as Error).message);
      }
    });
  }

  function grant(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const team = String(form.get("teamId") ?? "");
    run(
      () => adminRequest(`/api/v1/users/${encodeURIComponent(user.id)}/grants`, "POST", { role: form.get("role"), teamId: team === "" ? null : Number(team) }),
      `Granted ${String(form.get("role"))}.`,
    );
  }

  return (
    <tr data-user-email={user.email} className="align-top hover:bg-zinc-50">
      <td className="px-3 py-2.5">
        <div className="font-medium text-zinc-950">{user.name}</div>
        <div className="text-zinc-700">{user.email}</div>
        <div className="text-xs text-zinc-600">
          since <RelativeTime date={user.createdAt} />
          {self ? " · you" : ""}
        </div>
      </td>
      <td className="px-3 py-2.5">
        {user.grants.length === 0 ? <span className="text-zinc-600">no role: can sign in, sees nothing</span> : null}
        <ul className="space-y-1">
          {user.grants.map((grant) => {
            const scope = grant.teamId === null ? "fleet-wide" : `team ${grant.teamName ?? grant.teamId}`;
            return (
              <li key={grant.id} data-grant-id={grant.id} className="flex flex-wrap items-center gap-2">
                <Badge tone={grant.role === "admin" ? "bad" : grant.role === "sre" ? "warn" : "info"}>{grant.role}</Badge>
                <span className="text-zinc-800">{scope}</span>
                <span className="text-xs text-zinc-600">{grant.source === "idp" ? `from group ${grant.group ?? "?"}` : "manual"}</span>
                {grant.source === "manual" ? (
                  <button
                    type="button"
                    disabled={pending}
                    onClick={() => run(() => adminRequest(`/api/v1/users/${encodeURIComponent(user.id)}/grants/${grant.id}`, "DELETE"), `Revoked ${grant.role} (${scope}).`)}
                    aria-label={`Revoke ${grant.role} ${scope} from ${user.email}`}
                    className="rounded border border-zinc-300 bg-white px-2 py-0.5 text-xs font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60"
                  >
                    Revoke
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
        <p role="status" className="mt-1 text-xs">
          {error ? <span className="text-red-800">{error}</span> : notice ? <span className="text-emerald-800">{notice}</span> : null}
        </p>
      </td>
      <td className="px-3 py-2.5">
        <form onSubmit={grant} aria-label={`Grant a role to ${user.email}`} className="flex flex-wrap items-center gap-2">
          <select name="role" aria-label="Role" defaultValue="viewer" className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-zinc-900">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
          <select name="teamId" aria-label="Scope" defaultValue="" className="max-w-48 rounded-md border border-zinc-300 bg-white px-2 py-1 text-zinc-900">
            <option value="">fleet-wide</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                team {team.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={pending} className="rounded-md bg-zinc-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
            Grant
          </button>
        </form>
      </td>
      <td className="px-3 py-2.5">
        <div className="text-zinc-800 tabular-nums">{user.activeSessions} active</div>
        {user.activeSessions > 0 ? (
          <button
            type="button"
            disabled={pending}
            onClick={() => run(() => adminRequest(`/api/v1/users/${encodeURIComponent(user.id)}/sessions`, "DELETE"), "Signed out everywhere.")}
            aria-label={`Sign out everywhere: ${user.email}`}
            className="mt-1 rounded border border-zinc-300 bg-white px-2 py-0.5 text-xs font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60"
          >
            Sign out everywhere
          </button>
        ) : null}
      </td>
    </tr>
  );
}
