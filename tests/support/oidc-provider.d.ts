// oidc-provider ships no types; the tests use a small part of it (tests/support/oidc-issuer.ts).
declare module "oidc-provider";
