// The address webhook senders should use, for the ingestion page's snippets: SHIPLOG_PUBLIC_URL
// when it is set (the address people open Shiplog at, the same one sign-in callbacks use);
// otherwise the address the page was opened at (derive-public-base-url.ts), which is only right
// when the operator opened it the way senders will reach it. The page says which it is.
import { derivePublicBaseUrl } from "./derive-public-base-url";

export type WebhookBaseUrl = { url: string; from: "SHIPLOG_PUBLIC_URL" | "request" };

export function resolveWebhookBaseUrl(publicUrl: string | undefined, headers: { get(name: string): string | null }): WebhookBaseUrl {
  if (publicUrl) return { url: publicUrl.replace(/\/+$/, ""), from: "SHIPLOG_PUBLIC_URL" };
  return { url: derivePublicBaseUrl(headers), from: "request" };
}
