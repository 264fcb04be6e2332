import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { listApiTokens } from "@/lib/api-tokens/list-api-tokens";
import { can, ROLES, roleIncludes } from "@/lib/auth/roles";
import { listGrantableTeams } from "@/lib/users/list-grantable-teams";
import { requirePageViewer } from "../../_auth/require-page-viewer";
import { asJson } from "../integrations/_components/as-json";
import { ApiTokensTable } from "./_components/api-tokens-table";
import { CreateApiTokenForm } from "./_components/create-api-token-form";

export const metadata: Metadata = { title: "API tokens" };

/** Bearer tokens for /api/v1: one's own (an admin also sees service tokens), created (shown once), revoked. */
export default async function ApiTokensPage() {
  await connection();
  const viewer = await requirePageViewer();
  const [tokens, allTeams] = await Promise.all([listApiTokens(viewer), listGrantableTeams()]);
  // Offer only what the person could be granted a token for; the server checks again.
  const roles = ROLES.filter((role) => viewer.grants.some((grant) => roleIncludes(grant.role, role)));
  const fleetWide = viewer.grants.some((grant) => grant.teamId === null);
  const teams = fleetWide ? allTeams : allTeams.filter((team) => viewer.grants.some((grant) => grant.teamId === team.id));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">API tokens</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Scripts call the <Link href="/api/v1/openapi.json">Shiplog API</Link> with <code className="font-mono">Authorization: Bearer shiplog_pat_…</code>. A
          token acts as you with at most the role (and team) you give it, never beyond what you hold, and cannot open these pages. It is shown
          once; Shiplog keeps only its SHA-256. Creating, revoking and every change made with a token are in the audit log.
        </p>
      </div>
      <CreateApiTokenForm roles={[...roles]} teams={teams} fleetWide={fleetWide} admin={can(viewer, "admin")} />
      <ApiTokensTable tokens={asJson(tokens)} />
    </div>
  );
}
