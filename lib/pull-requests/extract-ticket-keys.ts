// Issue-tracker keys (Jira style, e.g. PAY-1234) mentioned in a pull request's title, body or
// branch name. Branches use them lower-case too (feature/pay-1234-fix), so matching ignores case.
// Ends at any non-alphanumeric, "_" included: branches read `PAY-1234_fix-rounding`.
const TICKET = /\b([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,7})(?![A-Za-z0-9])/g;
/** Words that look like keys but are not tickets. */
const NOT_TICKETS = new Set(["UTF", "SHA", "ISO", "RFC", "CVE", "GPT", "HTTP", "TLS", "X"]);

export function extractTicketKeys(...texts: (string | null | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(TICKET)) {
      const project = match[1]!.toUpperCase();
      if (NOT_TICKETS.has(project) || /^\d/.test(project)) continue;
      keys.add(`${project}-${Number.parseInt(match[2]!, 10)}`);
    }
  }
  return [...keys].sort();
}
