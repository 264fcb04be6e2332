// People who have signed in (or were created), by email, a keyset page at a time, with their
// grants and live session counts: three queries per page whatever its size.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { limitField, strictQuery, textField } from "../api/query-fields";
import { type DbOrTx, getDb } from "../db/client";
import type { UserPage } from "./user-view";

export const listUsersQuery = z.strictObject(
  {
    q: textField.optional().meta({ description: "Only people whose email or name contains this text (case-insensitive)." }),
    limit: limitField(50, 200),
    cursor: keysetCursor(z.tuple([z.string()]).transform(([email]) => ({ email }))).optional(),
  },
  strictQuery,
);

export type ListUsersOptions = Partial<z.output<typeof listUsersQuery>>;

export async function listUsers(options: ListUsersOptions = {}, db: DbOrTx = getDb(), now = new Date()): Promise<UserPage> {
  const limit = options.limit ?? 50;
  const users = await db.user.findMany({
    where: {
      ...(options.cursor ? { email: { gt: options.cursor.email } } : {}),
      ...(options.q ? { OR: [{ email: { contains: options.q, mode: "insensitive" } }, { name: { contains: options.q, mode: "insensitive" } }] } : {}),
    },
    select: { id: true, name: true, email: true, createdAt: true },
    orderBy: { email: "asc" },
    take: limit + 1,
  });
  const page = users.slice(0, limit);
  const ids = page.map((user) => user.id);
  const [grants, sessions] = await Promise.all([
    db.roleGrant.findMany({
      where: { userId: { in: ids } },
      select: { id: true, userId: true, role: true, teamId: true, source: true, group: true, createdAt: true, team: { select: { name: true } } },
      orderBy: { id: "asc" },
    }),
    db.session.groupBy({ by: ["userId"], where: { userId: { in: ids }, expiresAt: { gt: now } }, _count: { _all: true } }),
  ]);
  const sessionsByUser = new Map(sessions.map((row) => [row.userId, row._count._all]));
  const items = page.map((user) => ({
    ...user,
    activeSessions: sessionsByUser.get(user.id) ?? 0,
    grants: grants
      .filter((grant) => grant.userId === user.id)
      .map((grant) => ({
        id: grant.id,
        role: grant.role,
        teamId: grant.teamId,
        teamName: grant.team?.name ?? null,
        source: grant.source,
        group: grant.group,
        createdAt: grant.createdAt,
      })),
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: users.length > limit && last ? encodeKeysetCursor([last.email]) : null };
}
