/**
 * The text searched for, from the route's segment: `acme%2Fapi%23123` → `acme/api#123`. Next
 * hands over some escapes still encoded; a query never contains `%` itself, so one decode is
 * safe, and a malformed escape is kept as typed (it then matches nothing).
 */
export function searchedText(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    // A lone `%` is not an escape; the caller shows it as it came.
    return segment;
  }
}
