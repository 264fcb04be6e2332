// Sign-in with a GitHub OAuth App, on github.com or GitHub Enterprise Server (GITHUB_OAUTH_URL;
// tests point it at a local fake). The person's organizations ("acme") and teams
// ("acme/platform-sre") are their groups for SHIPLOG_ROLE_MAPPINGS.
import type { GenericOAuthConfig, GenericOAuthUserInfo } from "better-auth/plugins/generic-oauth";
import type { Config } from "../env";
import { recordSignInGroups } from "./sign-in-groups";

export const GITHUB_PROVIDER_ID = "github";
const TIMEOUT_MS = 10_000;

/** The REST API of a GitHub web URL: api.github.com for github.com, <url>/api/v3 for Enterprise Server. */
export function githubApiUrl(webUrl: string): string {
  return new URL(webUrl).host === "github.com" ? "https://api.github.com" : `${webUrl}/api/v3`;
}

export function githubProvider(settings: Config): GenericOAuthConfig | null {
  const { GITHUB_OAUTH_CLIENT_ID, GITHUB_OAUTH_CLIENT_SECRET, GITHUB_OAUTH_URL } = settings;
  if (!GITHUB_OAUTH_CLIENT_ID || !GITHUB_OAUTH_CLIENT_SECRET) return null;
  const api = githubApiUrl(GITHUB_OAUTH_URL);
  return {
    providerId: GITHUB_PROVIDER_ID,
    name: "GitHub",
    authorizationUrl: `${GITHUB_OAUTH_URL}/login/oauth/authorize`,
    tokenUrl: `${GITHUB_OAUTH_URL}/login/oauth/access_token`,
    clientId: GITHUB_OAUTH_CLIENT_ID,
    clientSecret: GITHUB_OAUTH_CLIENT_SECRET,
    scopes: ["read:user", "user:email", "read:org"],
    pkce: true,
    overrideUserInfo: true,
    getUserInfo: async (tokens) => (tokens.accessToken ? readGithubUser(api, tokens.accessToken) : null),
  };
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json", "User-Agent": "shiplog" },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`GitHub answered ${response.status} to GET ${new URL(url).pathname}`);
  return (await response.json()) as T;
}

/** The signed-in GitHub user with a verified email and their organizations and teams as groups. */
export async function readGithubUser(api: string, token: string): Promise<GenericOAuthUserInfo | null> {
  const [user, emails, orgs, teams] = await Promise.all([
    getJson<{ id: number; login: string; name: string | null; email: string | null; avatar_url?: string }>(`${api}/user`, token),
    getJson<Array<{ email: string; primary: boolean; verified: boolean }>>(`${api}/user/emails`, token).catch(() => []),
    getJson<Array<{ login: string }>>(`${api}/user/orgs?per_page=100`, token).catch(() => []),
    getJson<Array<{ slug: string; organization: { login: string } }>>(`${api}/user/teams?per_page=100`, token).catch(() => []),
  ]);
  const primary = emails.find((email) => email.primary && email.verified) ?? emails.find((email) => email.verified);
  const email = primary?.email ?? user.email;
  if (!email) return null;
  recordSignInGroups([...orgs.map((org) => org.login), ...teams.map((team) => `${team.organization.login}/${team.slug}`)]);
  return {
    id: String(user.id),
    email,
    emailVerified: primary !== undefined,
    name: user.name || user.login,
    image: user.avatar_url,
  };
}
