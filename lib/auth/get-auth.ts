// The process's Better Auth instance: sessions in PostgreSQL through the Prisma adapter (so
// they can be revoked, and no cookie cache outlives a revocation), local email/password
// accounts, and single sign-on through OpenID Connect and GitHub as generic OAuth providers.
import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import { type Db, getDb } from "../db/client";
import { type Config, config } from "../env";
import { authSecret } from "./auth-secret";
import { githubProvider } from "./github-sign-in";
import { oidcProvider } from "./oidc-sign-in";
import { MIN_PASSWORD_LENGTH } from "../users/new-password";
import { COOKIE_PREFIX } from "./session-cookie";
import { signInGroups } from "./sign-in-groups";
import { CLIENT_ADDRESS_HEADER } from "./throttle-sign-in";
import { syncIdpGrants } from "./sync-idp-grants";

/** Where Shiplog is reached: SHIPLOG_PUBLIC_URL, else localhost on PORT. */
export function publicUrl(): string {
  const settings = config();
  return settings.SHIPLOG_PUBLIC_URL ?? `http://localhost:${settings.PORT}`;
}

/** A Better Auth instance over `db` (the process's one is getAuth(); tests and start-up make their own). */
export function createAuth(db: Db, settings: Config = config()) {
  const baseURL = settings.SHIPLOG_PUBLIC_URL ?? `http://localhost:${settings.PORT}`;
  const secure = baseURL.startsWith("https://");
  const providers = [oidcProvider(settings), githubProvider(settings)].filter((provider) => provider !== null);
  return betterAuth({
    appName: "Shiplog",
    baseURL,
    basePath: "/api/auth",
    // Without a public URL, the two loopback spellings of the embedded default are both Shiplog.
    trustedOrigins: settings.SHIPLOG_PUBLIC_URL ? [] : [`http://localhost:${settings.PORT}`, `http://127.0.0.1:${settings.PORT}`],
    secret: authSecret(),
    database: prismaAdapter(db, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: settings.SHIPLOG_LOCAL_SIGN_IN !== false,
      // Local accounts are made by an administrator (and the first start), never by a visitor.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      // Every request reads the session row, so deleting it signs the person out at once.
      cookieCache: { enabled: false },
    },
    account: {
      accountLinking: { enabled: true, trustedProviders: providers.map((provider) => provider.providerId) },
      // Shiplog never calls the identity provider with them; encrypted so a database dump does not hand them out.
      encryptOAuthTokens: true,
    },
    // Off: per-address limits are Shiplog's own (lib/auth/throttle-sign-in.ts, lib/rate-limits),
    // counted in PostgreSQL with the API's, so there is one mechanism and one set of settings.
    rateLimit: { enabled: false },
    // Changing one's password goes through POST /api/v1/account/password (change-own-password.ts),
    // which throttles it like sign-in and audits it; Better Auth's own route would skip both.
    disabledPaths: ["/change-password"],
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
      database: { generateId: () => crypto.randomUUID() },
    },
    onAPIError: { errorURL: `${baseURL}/sign-in` },
    plugins: providers.length > 0 ? [genericOAuth({ config: providers })] : [],
    databaseHooks: {
      session: {
        create: {
          // A single sign-on reported the person's groups: their idp grants become the mapped ones.
          after: async (session) => {
            const groups = signInGroups();
            if (groups !== null) await syncIdpGrants(db, session.userId, groups, settings);
          },
        },
      },
    },
  });
}

export type ShiplogAuth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { shiplogAuth?: ShiplogAuth };

export function getAuth(): ShiplogAuth {
  globalForAuth.shiplogAuth ??= createAuth(getDb());
  return globalForAuth.shiplogAuth;
}

/** Which sign-in methods are configured, for the sign-in page. */
export function signInMethods(): { local: boolean; oidc: string | null; github: boolean } {
  const settings = config();
  return {
    local: settings.SHIPLOG_LOCAL_SIGN_IN !== false,
    oidc: settings.OIDC_ISSUER_URL && settings.OIDC_CLIENT_ID ? settings.OIDC_DISPLAY_NAME : null,
    github: Boolean(settings.GITHUB_OAUTH_CLIENT_ID && settings.GITHUB_OAUTH_CLIENT_SECRET),
  };
}
