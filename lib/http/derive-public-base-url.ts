// This Shiplog's address as the caller reached it, from the request's headers: what the
// ingestion page falls back to when SHIPLOG_PUBLIC_URL is unset (resolve-webhook-base-url.ts),
// so it shows webhook URLs for the host the operator is looking at. Behind a proxy, X-Forwarded-Host and X-Forwarded-Proto win (the
// first entry when a chain of proxies appended several).
export function derivePublicBaseUrl(headers: { get(name: string): string | null }): string {
  const first = (value: string | null) => value?.split(",")[0]?.trim() || undefined;
  const given = first(headers.get("x-forwarded-host")) ?? first(headers.get("host")) ?? "localhost:3000";
  // A Host header is the sender's word: keep only what a host name and port can contain.
  const host = /^[A-Za-z0-9.\-:[\]]+$/.test(given) ? given : "localhost:3000";
  const forwardedProto = first(headers.get("x-forwarded-proto"));
  const proto = forwardedProto === "http" || forwardedProto === "https" ? forwardedProto : /^(localhost|127\.|\[::1\])/.test(host) ? "http" : "https";
  return `${proto}://${host}`;
}
