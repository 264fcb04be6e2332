// The response headers that tell a browser what Shiplog's pages may do (issue 14, finding 4).
// A strict, nonce-based Content-Security-Policy, as Next 16 documents for the App Router: the
// proxy makes a fresh nonce per page request and passes the policy on as a request header,
// from which Next reads the nonce and puts it on its own scripts; 'strict-dynamic' lets those
// load their chunks, and nothing else runs. frame-ancestors 'none' (and X-Frame-Options for
// older browsers) keeps any other page, a sibling origin's included, from framing Shiplog and
// clickjacking its buttons. The headers that do not depend on the request are also in
// next.config.js, so answers the proxy never sees (static files, webhooks) carry them too.

/** Headers every answer carries, pages and API alike. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  // Shiplog uses none of these; a compromised dependency should not either.
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), display-capture=(), browsing-topics=()",
};

/** A fresh nonce: 128 random bits, base64. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The page policy. `development` adds 'unsafe-eval', which React's development build needs for
 * its debugging aids; `https` adds upgrade-insecure-requests (over plain http it would send the
 * page's own requests to an https port nobody listens on).
 */
export function contentSecurityPolicy(nonce: string, options: { https: boolean; development: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // <style> elements need the nonce; style="…" attributes (React's server-rendered style props,
    // recharts' SVG) are allowed: they cannot run code, and refusing them breaks the charts.
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "manifest-src 'self'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** HSTS for a Shiplog served over https: a year, subdomains left to their own choice. */
export function strictTransportSecurity(publicUrl: string | undefined): string | null {
  return publicUrl?.startsWith("https://") ? "max-age=31536000" : null;
}
