"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import type { Role } from "@/lib/auth/roles";
import { adminRequest } from "../../users/_components/admin-request";

type Created = { id: number; name: string; token: string };
type Props = { roles: Role[]; teams: { id: number; name: string }[]; fleetWide: boolean; admin: boolean };

const field = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-zinc-900";

/** Creates a token and shows it this once, with a copy button; leaving the page forgets it. */
export function CreateApiTokenForm({ roles, teams, fleetWide, admin }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const team = String(data.get("teamId") ?? "");
    setError(null);
    startTransition(async () => {
      try {
        setCreated(
          await adminRequest<Created>("/api/v1/tokens", "POST", {
            name: data.get("name"),
            kind: data.get("kind") ?? "personal",
            role: data.get("role"),
            teamId: team === "" ? null : Number(team),
            expiresInDays: Number(data.get("expiresInDays")),
          }),
        );
        form.reset();
        router.refresh();
      } catch (failure) {
        setCreated(null);
        setError((failure as Error).message);
      }
    });
  }

  return (
    <section aria-labelledby="create-api-token" className="space-y-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
      <h2 id="create-api-token" className="text-base font-semibold text-zinc-950">
        Create a token
      </h2>
      <form onSubmit={create} className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">Name</span>
          <input name="name" required maxLength={100} placeholder="release-script" className={`w-56 ${field} placeholder:text-zinc-500`} />
        </label>
        {admin ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium text-zinc-700">Kind</span>
            <select name="kind" defaultValue="personal" className={field}>
              <option value="personal">Personal (acts as you)</option>
              <option value="service">Service (acts as itself)</option>
            </select>
          </label>
        ) : null}
        <label className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">Role</span>
          <select name="role" defaultValue={roles[0]} className={field}>
            {roles.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">Team</span>
          <select name="teamId" defaultValue={fleetWide ? "" : String(teams[0]?.id ?? "")} className={field}>
            {fleetWide ? <option value="">Fleet-wide</option> : null}
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">Expires after</span>
          <select name="expiresInDays" defaultValue="30" className={field}>
            {[7, 30, 90, 366].map((days) => (
              <option key={days} value={days}>
                {days} days
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {created ? (
        <div role="status" className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <code data-testid="new-api-token" className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy token" />
          </div>
        </div>
      ) : null}
    </section>
  );
}
