// A real OpenID provider (the npm package oidc-provider) in the test process: discovery, JWKS,
// signed ID tokens, PKCE and nonce, with its development login form. People and their groups
// are set by the test; `signInThrough` drives the browser's part of the redirects over HTTP.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export type Person = { email: string; name: string; groups: string[] };

export async function startOidcIssuer(options: { clientId: string; clientSecret: string; redirectUri: string }) {
  const people = new Map<string, Person>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // Claims in the ID token too (as Okta, Entra and Dex can be set up to do): Better Auth reads them there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["oidc-issuer-test-key"] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: async (_context: unknown, id: string) => ({
      accountId: id,
      claims: async () => {
        const person = people.get(id);
        if (!person) throw new Error(`no such person ${id}`);
        return { sub: id, email: person.email, email_verified: true, name: person.name, groups: person.groups };
      },
    }),
  });
  server.on("request", provider.callback());
  return {
    issuer,
    people,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cookies by host, the part of a browser these redirects need. */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, headers: Headers): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair!.split("=");
      const expired = attributes.some((attribute) => /^\s*max-age=0/i.test(attribute) || /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (expired || value.join("=") === "") jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join("="));
    }
    this.cookies.set(host, jar);
  }

  header(url: string): string {
    return [...(this.cookies.get(new URL(url).host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/**
 * Follows redirects from `url` at the issuer: its login form as `login`, its consent form, until
 * the redirect back to Shiplog (`returnPrefix`), whose URL is returned.
 */
export async function signInThrough(url: string, login: string, jar: CookieJar, returnPrefix: string): Promise<string> {
  let next: { url: string; method: "GET" | "POST"; body?: string } = { url, method: "GET" };
  for (let hops = 0; hops < 20; hops += 1) {
    if (next.url.startsWith(returnPrefix)) return next.url;
    const response = await fetch(next.url, {
      method: next.method,
      redirect: "manual",
      headers: { cookie: jar.header(next.url), ...(next.body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: next.body,
    });
    jar.store(next.url, response.headers);
    const location = response.headers.get("location");
    if (location) {
      next = { url: new URL(location, next.url).toString(), method: "GET" };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`${next.url} answered ${response.status}: ${html.slice(0, 500)}`);
    // The development interactions: a login form, then a consent form, both posting to the same URL.
    const prompt = html.includes('name="login"') ? "login" : "consent";
    const body = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any" } : { prompt });
    next = { url: next.url, method: "POST", body: body.toString() };
  }
  throw new Error("more than 20 redirects between Shiplog and the issuer");
}
