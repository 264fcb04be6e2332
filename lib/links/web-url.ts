// The one rule for links to other sites: only http: and https: URLs. Senders' payloads (a pull
// request's html_url), settings (ARGOCD_INSTANCES, GITHUB_API_URL) and what was stored before this
// rule may hold anything, and a `javascript:` or `data:` URL in an href runs in Shiplog's origin
// when clicked; React and the browser stopping some of them is not a defence (issue 14, finding 8).
// Payload fields use lenientWebUrl (a bad link becomes null; the rest of the delivery still
// counts), settings use webUrl (a bad one fails at start), pages render through ExternalLink
// (components/ui/external-link.tsx), which calls safeHref.
import { z } from "zod";

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

/** The URL when it is an absolute http(s) URL, else null. */
export function safeHref(url: string | null | undefined): string | null {
  if (typeof url !== "string" || url.length > 2048) return null;
  try {
    return WEB_PROTOCOLS.has(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}

/** A setting's URL: absolute, http: or https:; anything else fails validation with the reason. */
export const webUrl = z
  .string()
  .max(2048, "must be at most 2048 characters")
  .refine((url) => safeHref(url) !== null, "must be an http:// or https:// URL");

/** A payload's link: the URL when it is http(s), null for anything else (absent, not a string, javascript:, data:, …). */
export const lenientWebUrl = z.unknown().transform((value) => (typeof value === "string" ? safeHref(value) : null));
