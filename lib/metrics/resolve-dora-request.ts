// Scope names and window options → ids, the window and the definitions in force: the common
// first step of every DORA drill-down. Null when the team or service is unknown.
import { readDb, type DbOrTx } from "../db/client";
import type { DoraDefinitions } from "./dora-definitions";
import { type DoraWindow, resolveDoraWindow } from "./dora-window";
import { getDoraDefinitions } from "./get-dora-definitions";
import { type DoraScope, type DoraScopeNames, resolveDoraScope } from "./resolve-dora-scope";

export type DoraRequestOptions = DoraScopeNames & { days?: number; from?: Date; to?: Date; now?: Date };
export type DoraRequest = { scope: DoraScope; window: DoraWindow; definitions: DoraDefinitions };

export async function resolveDoraRequest(options: DoraRequestOptions, db: DbOrTx = readDb()): Promise<DoraRequest | null> {
  const window = resolveDoraWindow(options);
  const [scope, definitions] = await Promise.all([resolveDoraScope(options, db), getDoraDefinitions(db)]);
  return scope ? { scope, window, definitions } : null;
}
