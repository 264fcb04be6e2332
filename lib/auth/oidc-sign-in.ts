// Single sign-on through any OpenID Connect provider (Okta, Entra ID, Keycloak, Dex, Google):
// endpoints and signing keys come from the issuer's discovery document; the groups claim is kept
// for the session hook to map to roles (lib/auth/sign-in-groups.ts).
import type { GenericOAuthConfig } from "better-auth/plugins/generic-oauth";
import type { Config } from "../env";
import { recordSignInGroups } from "./sign-in-groups";

export const OIDC_PROVIDER_ID = "oidc";

export function oidcProvider(settings: Config): GenericOAuthConfig | null {
  const { OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_GROUPS_CLAIM, OIDC_DISPLAY_NAME, OIDC_SCOPES } = settings;
  if (!OIDC_ISSUER_URL || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return null;
  return {
    providerId: OIDC_PROVIDER_ID,
    name: OIDC_DISPLAY_NAME,
    discoveryUrl: `${OIDC_ISSUER_URL}/.well-known/openid-configuration`,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    scopes: OIDC_SCOPES,
    pkce: true,
    requireIdTokenVerification: true,
    overrideUserInfo: true,
    mapProfileToUser: (profile) => {
      recordSignInGroups(groupsOf(profile[OIDC_GROUPS_CLAIM]));
      return { name: typeof profile.name === "string" && profile.name ? profile.name : String(profile.email ?? profile.sub ?? "") };
    },
  };
}

/** A groups claim as a list of names: an array of strings, or one string (some providers send one group so). */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === "string");
  if (typeof claim === "string" && claim.length > 0) return [claim];
  return [];
}
