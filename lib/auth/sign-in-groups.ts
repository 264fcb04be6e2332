// Carries the identity provider's groups from the moment Better Auth reads the profile to the
// moment it creates the session, within one callback request. Kept out of the user row on
// purpose: a field there would be writable through Better Auth's update-user endpoint.
import { AsyncLocalStorage } from "node:async_hooks";

const store = new AsyncLocalStorage<{ groups: string[] | null }>();

/** Runs one auth request with room for the groups a single sign-on reports. */
export function withSignInGroups<T>(run: () => Promise<T>): Promise<T> {
  return store.run({ groups: null }, run);
}

export function recordSignInGroups(groups: string[]): void {
  const current = store.getStore();
  if (current) current.groups = groups;
}

/** The groups of the single sign-on in progress; null for a local sign-in (grants stay as they are). */
export function signInGroups(): string[] | null {
  return store.getStore()?.groups ?? null;
}
